package dev.promptopt.core.internal.engine;

import dev.promptopt.ExampleUsage;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.core.Hedging;
import dev.promptopt.spi.HedgeRace;
import dev.promptopt.spi.LatencyWindow;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predict calls with hedging ({@link Hedging}): the call runs on the executor while the caller, which holds the
 * example's permit, waits; past the latency percentile a second request is sent if a permit is free, and one more
 * per delay after it up to {@link Hedging#hedges()}. Once one answered, the others are interrupted; the extra
 * permits are released when every request has returned.
 */
final class HedgedPredict {
    private static final Logger log = LoggerFactory.getLogger(HedgedPredict.class);

    private final Hedging config;
    private final Semaphore permits;
    private final Executor executor;
    private final LongSupplier nanoClock;
    private final LatencyWindow latencies;
    private final AtomicLong hedgedCalls = new AtomicLong();

    HedgedPredict(Hedging config, Semaphore permits, Executor executor, LongSupplier nanoClock) {
        this.config = config;
        this.permits = permits;
        this.executor = executor;
        this.nanoClock = nanoClock;
        this.latencies = new LatencyWindow(config.percentile(), config.minSamples(), config.window());
    }

    long hedgedCalls() {
        return hedgedCalls.get();
    }

    Object predict(PredictFn fn, Map<String, Object> inputs, PromptSet candidate) throws Exception {
        long threshold = latencies.delayNanos();
        if (threshold < 0) { // not enough calls timed yet: a plain call on this thread
            return latencies.time(nanoClock, () -> fn.predict(inputs, candidate));
        }
        HedgeRace<Answer> race = new HedgeRace<>(config.hedges(), permits::release);
        executor.execute(() -> call(fn, inputs, candidate, race));
        scheduleHedge(threshold, fn, inputs, candidate, race);
        Answer winner;
        try {
            winner = race.winner().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
        ExampleUsageScope.add(winner.usage());
        return winner.output();
    }

    private void scheduleHedge(long delay, PredictFn fn, Map<String, Object> inputs, PromptSet candidate,
                               HedgeRace<Answer> race) {
        config.scheduler().schedule(Duration.ofNanos(delay), () -> hedge(delay, fn, inputs, candidate, race));
    }

    /**
     * Past the delay: one more request, only when a permit is free (the limit is the limit); then, while the race
     * may send more, the next one after another delay.
     */
    private void hedge(long delay, PredictFn fn, Map<String, Object> inputs, PromptSet candidate,
                       HedgeRace<Answer> race) {
        if (!race.winner().isDone() && race.hedges() + 1 < config.hedges()) {
            scheduleHedge(delay, fn, inputs, candidate, race);
        }
        if (!race.startHedge(() -> {
            boolean free = permits.tryAcquire();
            if (!free) {
                log.debug("a predict call is slower than the hedge delay, but no permit is free for a hedge");
            }
            return free;
        })) {
            return;
        }
        hedgedCalls.incrementAndGet();
        try {
            executor.execute(() -> call(fn, inputs, candidate, race));
        } catch (RejectedExecutionException e) { // the engine is closing
            race.failed(e);
        }
    }

    /** One request of the race; the slower one is interrupted once the other answered ({@link HedgeRace#run}). */
    private void call(PredictFn fn, Map<String, Object> inputs, PromptSet candidate, HedgeRace<Answer> race) {
        race.run(() -> {
            ExampleUsageScope scope = ExampleUsageScope.open();
            try {
                Object out = latencies.time(nanoClock, () -> fn.predict(inputs, candidate));
                return new Answer(out, scope.usage());
            } finally {
                scope.close();
            }
        });
    }

    private record Answer(Object output, ExampleUsage usage) {
    }
}
