package dev.promptopt.gepa.internal;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationStoppedException;
import dev.promptopt.StopReason;
import dev.promptopt.spi.HedgeRace;
import dev.promptopt.spi.LatencyWindow;
import dev.promptopt.spi.TaskExecutors;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reflection calls with hedging ({@link dev.promptopt.gepa.GepaOptions#reflectionHedging(double)}): a reflection
 * still unanswered after the percentile of the run's recent reflection latencies gets a second request, and the
 * first answer wins. A reflection lies on its proposal's path, so one slow or retried call would hold the
 * proposal (and, folded in order, the proposals after it) for as long as it takes.
 *
 * <p>The caller waits on its own thread; the requests run on an executor of this class, so the loser can finish
 * after the winner is returned (its answer is dropped). Before {@value #MIN_SAMPLES} reflections were timed, a
 * call is plain. A request that fails has already had the model client's retries: the call fails only when both
 * requests failed, with the first failure.
 */
final class HedgedReflections implements AutoCloseable {
    /** Reflections timed before the first hedge: far fewer than predict calls, so the bar is lower. */
    static final int MIN_SAMPLES = 5;
    /** The most recent reflection latencies the percentile is taken over. */
    static final int WINDOW = 50;

    private final LanguageModel model;
    private final LatencyWindow latencies;
    private final ExecutorService executor = TaskExecutors.unbounded("promptopt-gepa-reflection");

    HedgedReflections(LanguageModel model, double percentile) {
        this.model = model;
        this.latencies = new LatencyWindow(percentile, MIN_SAMPLES, WINDOW);
    }

    /** A reflection's text, and whether a second request was sent for it. */
    record Answer(String text, boolean hedged) {
    }

    /** The reflection's answer; throws what the model threw when every request failed. */
    Answer chat(List<ChatMessage> messages) {
        long delay = latencies.delayNanos();
        if (delay < 0) {
            return new Answer(latencies.time(System::nanoTime, () -> model.chat(messages).text()), false);
        }
        HedgeRace<String> race = new HedgeRace<>(null);
        executor.execute(() -> request(messages, race));
        try {
            try {
                return new Answer(race.winner().get(delay, TimeUnit.NANOSECONDS), false);
            } catch (TimeoutException slow) {
                if (race.startHedge(() -> true)) {
                    try {
                        executor.execute(() -> request(messages, race));
                    } catch (RejectedExecutionException e) {
                        race.failed(e);
                    }
                }
                return new Answer(race.winner().get(), race.hedged());
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("reflection call failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OptimizationStoppedException(new StopReason(StopReason.Kind.CANCELLED, "interrupted"));
        }
    }

    private void request(List<ChatMessage> messages, HedgeRace<String> race) {
        try {
            race.answered(latencies.time(System::nanoTime, () -> model.chat(messages).text()));
        } catch (Throwable t) {
            race.failed(t);
        }
    }

    /** Stops taking requests; a loser still running finishes on its own. */
    @Override
    public void close() {
        executor.shutdown();
    }
}
