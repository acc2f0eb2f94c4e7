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

    /** Every call takes 10 ms of the test clock; the first call for "slow" hangs until released, then answers wrong. */
    private final PredictFn predict = (inputs, prompts) -> {
        String x = (String) inputs.get("x");
        maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
        try {
            if (x.equals("slow") && slowCalls.incrementAndGet() == 1) {
                primaryStarted.countDown();
                releasePrimary.await();
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

    private static Example ex(String x) {
        return Example.of(x, Map.of("x", x), x);
    }

    private EvaluationEngine engine(int concurrency, Hedging hedging) {
        return new EvaluationEngine(predict, List.of(EQUALS), Aggregation.mean(), concurrency,
                new StopConditions(Budget.metricCalls(100), null, clock::get, Duration.ZERO), null, e -> { }, clock::get,
                hedging);
    }

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

            // The first request still runs and keeps the hedge's permit: of two new examples only one starts.
            CompletableFuture<EvaluationBatch> later = engine.evaluateAsync(CANDIDATE, List.of(ex("later0"), ex("later1")));
            assertThat(laterStarted.getCount()).isPositive();
            releasePrimary.countDown();
            assertThat(laterStarted.await(30, TimeUnit.SECONDS)).isTrue();
            releaseLater.countDown();
            assertThat(later.get(30, TimeUnit.SECONDS).mean()).isEqualTo(1.0);
            assertThat(maxConcurrent.get()).as("predict calls in flight never exceed the limit").isLessThanOrEqualTo(2);
            assertThat(engine.metricCallsUsed()).isEqualTo(6);
            assertThat(engine.hedgedCalls()).isEqualTo(1);
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
    }
}
