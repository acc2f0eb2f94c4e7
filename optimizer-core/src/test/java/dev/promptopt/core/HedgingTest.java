package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Aggregation;
import dev.promptopt.Budget;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.PredictFn;
import dev.promptopt.spi.CallRetries;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import dev.promptopt.core.internal.engine.EvaluationEngine;
import dev.promptopt.core.internal.engine.StopConditions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Hedged predict calls, driven by a hand-fired scheduler, a hand-moved clock and latches. */
class HedgingTest {
    private static final Scorer EQUALS = Scorer.of("equals",
            (e, out) -> Feedback.of(String.valueOf(out).equals(e.outputs()), "got " + out));
    private static final PromptSet CANDIDATE = PromptSet.of("p", PromptTemplate.text("Echo {{x}}"));
    private static final long TEN_MS = 10_000_000L;

    /** Keeps the tasks it is given; the test runs them when it decides the delay has passed. */
    private static final class ManualScheduler implements Hedging.Scheduler {
        final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        final BlockingQueue<Duration> delays = new LinkedBlockingQueue<>();

        @Override
        public void schedule(Duration delay, Runnable task) {
            delays.add(delay);
            tasks.add(task);
        }

        Runnable next() throws InterruptedException {
            Runnable r = tasks.poll(30, TimeUnit.SECONDS);
            assertThat(r).as("a hedge was scheduled").isNotNull();
            return r;
        }
    }

    private final AtomicLong clock = new AtomicLong();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final AtomicInteger slowCalls = new AtomicInteger();
    private final CountDownLatch primaryStarted = new CountDownLatch(1);
    private final CountDownLatch releasePrimary = new CountDownLatch(1);
    private final CountDownLatch laterStarted = new CountDownLatch(2);
    private final CountDownLatch releaseLater = new CountDownLatch(1);
    private final CountDownLatch primaryInterrupted = new CountDownLatch(1);
    private final CountDownLatch hedgeStarted = new CountDownLatch(1);
    private volatile boolean primaryIgnoresInterrupts;

    /**
     * Every call takes 10 ms of the test clock. The first call for "slow" hangs until released, then answers wrong;
     * so do the first two for "slower" (the primary and the first hedge).
     */
    private final PredictFn predict = (inputs, prompts) -> {
        String x = (String) inputs.get("x");
        maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
        try {
            int call = x.startsWith("slow") ? slowCalls.incrementAndGet() : 0;
            if (x.equals("slow") && call == 1 || x.equals("slower") && call <= 2) {
                if (call == 1) {
                    primaryStarted.countDown();
                } else {
                    hedgeStarted.countDown();
                }
                awaitRelease();
                return "late";
            }
            if (x.startsWith("later")) {
                laterStarted.countDown();
                releaseLater.await();
            }
            clock.addAndGet(TEN_MS);
            return x;
        } finally {
            concurrent.decrementAndGet();
        }
    };

    /** Waits for the primary's release; a winner's interrupt ends the wait unless the test says to ignore it. */
    private void awaitRelease() throws InterruptedException {
        boolean interrupted = false;
        while (true) {
            try {
                releasePrimary.await();
                break;
            } catch (InterruptedException e) {
                primaryInterrupted.countDown();
                if (!primaryIgnoresInterrupts) {
                    throw e;
                }
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Example ex(String x) {
        return Example.of(x, Map.of("x", x), x);
    }

    private EvaluationEngine engine(int concurrency, Hedging hedging) {
        return new EvaluationEngine(predict, List.of(EQUALS), Aggregation.mean(), concurrency,
                new StopConditions(Budget.metricCalls(100), null, clock::get, Duration.ZERO), null, e -> { }, clock::get,
                hedging);
    }

    /** Three calls reach minSamples (the first is the start-up wave, which counts until three later calls were timed). */
    private void warmUp(EvaluationEngine engine) {
        for (int i = 0; i < 3; i++) { // one at a time, so each call is timed at exactly 10 ms
            engine.evaluate(CANDIDATE, List.of(ex("w" + i)));
        }
        assertThat(scheduler.tasks).as("no hedge before minSamples calls were timed").isEmpty();
    }

    @Test
    void aSlowCallIsHedgedTheFirstAnswerWinsAndTheExtraRequestCostsNoMetricCall() throws Exception {
        try (EvaluationEngine engine = engine(2, new Hedging(0.9, 3, 10, scheduler))) {
            warmUp(engine);
            CompletableFuture<EvaluationBatch> slow = engine.evaluateAsync(CANDIDATE, List.of(ex("slow")));
            assertThat(primaryStarted.await(30, TimeUnit.SECONDS)).isTrue();
            Runnable hedge = scheduler.next();
            assertThat(scheduler.delays.poll()).isEqualTo(Duration.ofMillis(10)); // the 90th percentile of 10 ms calls

            hedge.run(); // the delay has passed: a second request, on the free permit

            EvaluationBatch batch = slow.get(30, TimeUnit.SECONDS);
            assertThat(batch.results().get(0).output()).isEqualTo("slow"); // the hedge's answer, not "late"
            assertThat(batch.mean()).isEqualTo(1.0);
            assertThat(engine.hedgedCalls()).isEqualTo(1);
            assertThat(engine.metricCallsUsed()).isEqualTo(4); // 3 warm-up examples + 1, not 5
            assertThat(slowCalls).hasValue(2);

            // The first request is interrupted once the hedge answered, and gives its permit back: two new examples
            // start together.
            assertThat(primaryInterrupted.await(30, TimeUnit.SECONDS)).as("the loser was interrupted").isTrue();
            CompletableFuture<EvaluationBatch> later = engine.evaluateAsync(CANDIDATE, List.of(ex("later0"), ex("later1")));
            assertThat(laterStarted.await(30, TimeUnit.SECONDS)).isTrue();
            releaseLater.countDown();
            assertThat(later.get(30, TimeUnit.SECONDS).mean()).isEqualTo(1.0);
            assertThat(maxConcurrent.get()).as("predict calls in flight never exceed the limit").isLessThanOrEqualTo(2);
            assertThat(engine.metricCallsUsed()).isEqualTo(6);
            assertThat(engine.hedgedCalls()).isEqualTo(1);
        }
    }

    @Test
    void aLoserThatIgnoresTheInterruptKeepsTheHedgesPermitUntilItReturns() throws Exception {
        primaryIgnoresInterrupts = true;
        try (EvaluationEngine engine = engine(2, new Hedging(0.9, 3, 10, scheduler))) {
            warmUp(engine);
            CompletableFuture<EvaluationBatch> slow = engine.evaluateAsync(CANDIDATE, List.of(ex("slow")));
            assertThat(primaryStarted.await(30, TimeUnit.SECONDS)).isTrue();
            scheduler.next().run();
            assertThat(slow.get(30, TimeUnit.SECONDS).results().get(0).output()).isEqualTo("slow");
            assertThat(primaryInterrupted.await(30, TimeUnit.SECONDS)).isTrue();

            // Still running: of two new examples only one starts until it returns.
            CompletableFuture<EvaluationBatch> later = engine.evaluateAsync(CANDIDATE, List.of(ex("later0"), ex("later1")));
            assertThat(laterStarted.getCount()).isPositive();
            releasePrimary.countDown();
            assertThat(laterStarted.await(30, TimeUnit.SECONDS)).isTrue();
            releaseLater.countDown();
            assertThat(later.get(30, TimeUnit.SECONDS).mean()).isEqualTo(1.0);
            assertThat(maxConcurrent.get()).as("predict calls in flight never exceed the limit").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void whenTheHedgeIsSlowTooASecondHedgeGoesOutOneDelayLater() throws Exception {
        try (EvaluationEngine engine = engine(3, new Hedging(0.9, 3, 10, scheduler))) {
            warmUp(engine);
            CompletableFuture<EvaluationBatch> slower = engine.evaluateAsync(CANDIDATE, List.of(ex("slower")));
            assertThat(primaryStarted.await(30, TimeUnit.SECONDS)).isTrue();
            scheduler.next().run(); // first hedge: hangs as well
            assertThat(hedgeStarted.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(scheduler.delays.poll()).isEqualTo(Duration.ofMillis(10));
            Runnable second = scheduler.next();
            assertThat(scheduler.delays.poll()).as("one more delay after the first hedge").isEqualTo(Duration.ofMillis(10));
            second.run();

            EvaluationBatch batch = slower.get(30, TimeUnit.SECONDS);
            assertThat(batch.results().get(0).output()).isEqualTo("slower");
            assertThat(engine.hedgedCalls()).isEqualTo(2);
            assertThat(engine.metricCallsUsed()).isEqualTo(4);
            assertThat(slowCalls).hasValue(3);
            assertThat(scheduler.tasks).as("no third hedge: the default is two").isEmpty();
            assertThat(maxConcurrent.get()).isLessThanOrEqualTo(3);
        }
        try (EvaluationEngine one = engine(3, new Hedging(0.9, 3, 10, scheduler).hedges(1))) {
            slowCalls.set(0);
            warmUp(one);
            CompletableFuture<EvaluationBatch> slow = one.evaluateAsync(CANDIDATE, List.of(ex("slow")));
            scheduler.next();
            assertThat(scheduler.tasks).as("with hedges(1), no second hedge is scheduled").isEmpty();
            releasePrimary.countDown();
            assertThat(slow.get(30, TimeUnit.SECONDS).results().get(0).output()).isEqualTo("late");
        }
    }

    @Test
    void callsAModelClientRetriedDoNotSetTheHedgeDelay() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch releaseSlow = new CountDownLatch(1);
        // Clean calls take 10 ms; a call the model client retried took 100 ms (two attempts and a backoff).
        PredictFn retrying = (inputs, prompts) -> {
            String x = (String) inputs.get("x");
            if (x.startsWith("retried")) {
                CallRetries.retrying();
                clock.addAndGet(10 * TEN_MS);
            } else if (x.equals("slow")) {
                slowStarted.countDown();
                releaseSlow.await();
            } else {
                clock.addAndGet(TEN_MS);
            }
            return x;
        };
        try (EvaluationEngine engine = new EvaluationEngine(retrying, List.of(EQUALS), Aggregation.mean(), 2,
                new StopConditions(Budget.metricCalls(100), null, clock::get, Duration.ZERO), null, e -> { }, clock::get,
                new Hedging(0.9, 3, 10, scheduler))) {
            for (String x : List.of("retried0", "clean0", "retried1", "clean1", "retried2", "clean2")) {
                engine.evaluate(CANDIDATE, List.of(ex(x)));
            }
            assertThat(scheduler.tasks).as("no hedge before 3 clean calls were timed (retried ones do not count)")
                    .isEmpty();

            CompletableFuture<EvaluationBatch> slow = engine.evaluateAsync(CANDIDATE, List.of(ex("slow")));
            assertThat(slowStarted.await(30, TimeUnit.SECONDS)).isTrue();
            scheduler.next();
            // the 90th percentile of the clean calls; with the retried ones it would be 100 ms, too late to help
            assertThat(scheduler.delays.poll()).isEqualTo(Duration.ofMillis(10));
            releaseSlow.countDown();
            assertThat(slow.get(30, TimeUnit.SECONDS).mean()).isEqualTo(1.0);
        }
    }

    @Test
    void withoutAFreePermitNoHedgeIsSent() throws Exception {
        try (EvaluationEngine engine = engine(1, new Hedging(0.9, 3, 10, scheduler))) {
            warmUp(engine);
            CompletableFuture<EvaluationBatch> slow = engine.evaluateAsync(CANDIDATE, List.of(ex("slow")));
            assertThat(primaryStarted.await(30, TimeUnit.SECONDS)).isTrue();
            scheduler.next().run(); // past the delay, but the only permit is the example's own

            releasePrimary.countDown();
            EvaluationBatch batch = slow.get(30, TimeUnit.SECONDS);
            assertThat(batch.results().get(0).output()).isEqualTo("late");
            assertThat(engine.hedgedCalls()).isZero();
            assertThat(slowCalls).hasValue(1);
            assertThat(engine.metricCallsUsed()).isEqualTo(4);
            assertThat(maxConcurrent.get()).isEqualTo(1);
        }
    }

    @Test
    void hedgingIsOffByDefault() throws Exception {
        try (EvaluationEngine engine = engine(2, null)) {
            warmUp(engine);
            CompletableFuture<EvaluationBatch> slow = engine.evaluateAsync(CANDIDATE, List.of(ex("slow")));
            assertThat(primaryStarted.await(30, TimeUnit.SECONDS)).isTrue();
            releasePrimary.countDown();
            assertThat(slow.get(30, TimeUnit.SECONDS).results().get(0).output()).isEqualTo("late");
            assertThat(engine.hedging()).isFalse();
            assertThat(engine.hedgedCalls()).isZero();
            assertThat(scheduler.tasks).isEmpty();
        }
    }

    @Test
    void badSettingsAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> Hedging.atPercentile(1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percentile").hasMessageContaining("1.0");
        assertThatThrownBy(() -> Hedging.atPercentile(0.95).minSamples(0))
                .hasMessageContaining("minSamples").hasMessageContaining("0");
        assertThatThrownBy(() -> new Hedging(0.9, 5, 4, (d, t) -> { })).hasMessageContaining("window");
        assertThatThrownBy(() -> Hedging.atPercentile(0.9).hedges(0)).hasMessageContaining("hedges must be >= 1, found 0");
    }
}
