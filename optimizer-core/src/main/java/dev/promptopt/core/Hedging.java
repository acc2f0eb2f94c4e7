package dev.promptopt.core;

import dev.promptopt.spi.LatencyWindow;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hedged predict calls: when an example's predict call is still running after a high percentile of the run's
 * recent predict latencies, a second request for it is sent and the first answer wins; if neither has answered
 * after twice that delay, a third (up to {@code hedges} extra requests, one more per delay). Once one request
 * answered, the others are interrupted, so they stop instead of waiting out a timeout or retrying. Off unless
 * given to {@link PromptOptimizer.Builder#hedging(Hedging)}.
 *
 * <ul>
 *   <li>A hedge takes a permit of the run's one concurrency limit, and is only sent when one is free; the permits
 *       are held until every request of the call has returned, so calls in flight never exceed the limit.</li>
 *   <li>An example is one metric call however many requests it took; the extra requests are counted apart
 *       ({@code result.stats().hedgedCalls()}).</li>
 *   <li>No hedge before {@code minSamples} predict calls have been timed. A call a model client retried
 *       ({@code ResilientModel}, through {@link dev.promptopt.spi.CallRetries}) is not timed: under faults the
 *       percentile stays that of one attempt, so the hedge goes out before the retry's backoff is over. The
 *       calls that started before the first one returned pay for the client's start-up: they count only until
 *       {@code minSamples} later calls were timed.</li>
 *   <li>The example's usage ({@link dev.promptopt.ExampleResult#usage()}) is the winning call's; a loser that
 *       got an answer before its interrupt still has its tokens counted by the run's meter.</li>
 * </ul>
 *
 * <pre>{@code
 * PromptOptimizer.builder()...hedging(Hedging.atPercentile(0.95)).run();
 * }</pre>
 *
 * @param percentile the latency percentile after which a call is hedged, in [0.5, 1)
 * @param minSamples predict calls timed before the first hedge
 * @param window     the most recent predict latencies the percentile is taken over
 * @param hedges     the most extra requests for one call, each sent one delay after the one before, at least 1
 * @param scheduler  what waits for the hedge delay (tests pass one they fire by hand)
 */
public record Hedging(double percentile, int minSamples, int window, int hedges, Scheduler scheduler) {
    /** Extra requests per call by default: a second hedge covers a first one that met a fault too. */
    public static final int DEFAULT_HEDGES = 2;

    /** Runs a task after a delay. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Duration delay, Runnable task);

        /** One shared daemon timer thread. */
        static Scheduler system() {
            return (delay, task) -> SystemTimer.TIMER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    public Hedging {
        LatencyWindow.checkArguments(percentile, minSamples, window);
        if (hedges < 1) {
            throw new IllegalArgumentException("hedging hedges must be >= 1, found " + hedges);
        }
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /** With {@value #DEFAULT_HEDGES} extra requests at most per call. */
    public Hedging(double percentile, int minSamples, int window, Scheduler scheduler) {
        this(percentile, minSamples, window, DEFAULT_HEDGES, scheduler);
    }

    /**
     * Hedges calls slower than {@code percentile} of the last 200 predict calls, after 20 were timed, with up to
     * {@value #DEFAULT_HEDGES} extra requests per call.
     */
    public static Hedging atPercentile(double percentile) {
        return new Hedging(percentile, 20, 200, DEFAULT_HEDGES, Scheduler.system());
    }

    public Hedging minSamples(int minSamples) {
        return new Hedging(percentile, minSamples, Math.max(window, minSamples), hedges, scheduler);
    }

    /** At most {@code hedges} extra requests per call ({@code 1}: one hedge, never a third request). */
    public Hedging hedges(int hedges) {
        return new Hedging(percentile, minSamples, window, hedges, scheduler);
    }

    public Hedging scheduler(Scheduler scheduler) {
        return new Hedging(percentile, minSamples, window, hedges, scheduler);
    }

    private static final class SystemTimer {
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "promptopt-hedge-timer");
            t.setDaemon(true);
            return t;
        });
    }
}
