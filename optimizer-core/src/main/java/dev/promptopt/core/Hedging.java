package dev.promptopt.core;

import dev.promptopt.spi.LatencyWindow;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hedged predict calls: when an example's predict call is still running after a high percentile of the run's
 * recent predict latencies, a second request for it is sent and the first answer wins. Off unless given to
 * {@link PromptOptimizer.Builder#hedging(Hedging)}.
 *
 * <ul>
 *   <li>A hedge takes a permit of the run's one concurrency limit, and is only sent when one is free; the permit
 *       is held until the slower of the two calls has returned, so calls in flight never exceed the limit.</li>
 *   <li>An example is one metric call however many requests it took; the extra requests are counted apart
 *       ({@code result.stats().hedgedCalls()}).</li>
 *   <li>No hedge before {@code minSamples} predict calls have been timed. A call a model client retried
 *       ({@code ResilientModel}, through {@link dev.promptopt.spi.CallRetries}) is not timed: under faults the
 *       percentile stays that of one attempt, so the hedge goes out before the retry's backoff is over.</li>
 *   <li>The example's usage ({@link dev.promptopt.ExampleResult#usage()}) is the winning call's; the loser's
 *       tokens are still counted by the run's meter.</li>
 * </ul>
 *
 * <pre>{@code
 * PromptOptimizer.builder()...hedging(Hedging.atPercentile(0.95)).run();
 * }</pre>
 *
 * @param percentile the latency percentile after which a call is hedged, in [0.5, 1)
 * @param minSamples predict calls timed before the first hedge
 * @param window     the most recent predict latencies the percentile is taken over
 * @param scheduler  what waits for the hedge delay (tests pass one they fire by hand)
 */
public record Hedging(double percentile, int minSamples, int window, Scheduler scheduler) {
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
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /** Hedges calls slower than {@code percentile} of the last 200 predict calls, after 20 were timed. */
    public static Hedging atPercentile(double percentile) {
        return new Hedging(percentile, 20, 200, Scheduler.system());
    }

    public Hedging minSamples(int minSamples) {
        return new Hedging(percentile, minSamples, Math.max(window, minSamples), scheduler);
    }

    public Hedging scheduler(Scheduler scheduler) {
        return new Hedging(percentile, minSamples, window, scheduler);
    }

    private static final class SystemTimer {
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "promptopt-hedge-timer");
            t.setDaemon(true);
            return t;
        });
    }
}
