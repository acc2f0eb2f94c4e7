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
 * <p>The caller waits on its own thread; the requests run on an executor of this class, and the loser is
 * interrupted once the winner answered ({@link HedgeRace#run}). Before {@value #MIN_SAMPLES} reflections were timed, a
 * call is plain. A request that fails has already had the model client's retries: the call fails only when both
 * requests failed, with the first failure.
 */
final class HedgedReflections implements AutoCloseable {
    /** Reflections timed before the first hedge: far fewer than predict calls, so the bar is lower. */
    static final int MIN_SAMPLES = 5;
    /** The most recent reflection latencies the percentile is taken over. */
    static final int WINDOW = 50;
    /** Extra requests per reflection at most, one per delay (as {@code Hedging.DEFAULT_HEDGES} for predict calls). */
    static final int MAX_HEDGES = 2;

    private final LanguageModel model;
    private final LatencyWindow latencies;
    private final ExecutorService executor = TaskExecutors.unbounded("promptopt-gepa-reflection");

    HedgedReflections(LanguageModel model, double percentile) {
        this.model = model;
        this.latencies = new LatencyWindow(percentile, MIN_SAMPLES, WINDOW);
    }

    /** A reflection's text, and how many extra requests were sent for it. */
    record Answer(String text, int hedges) {
    }

    /** The reflection's answer; throws what the model threw when every request failed. */
    Answer chat(List<ChatMessage> messages) {
        long delay = latencies.delayNanos();
        if (delay < 0) {
            return new Answer(latencies.time(System::nanoTime, () -> model.chat(messages).text()), 0);
        }
        HedgeRace<String> race = new HedgeRace<>(MAX_HEDGES, null);
        executor.execute(() -> request(messages, race));
        try {
            for (int sent = 0; sent < MAX_HEDGES; sent++) {
                try {
                    return new Answer(race.winner().get(delay, TimeUnit.NANOSECONDS), race.hedges());
                } catch (TimeoutException slow) {
                    if (race.startHedge(() -> true)) {
                        try {
                            executor.execute(() -> request(messages, race));
                        } catch (RejectedExecutionException e) {
                            race.failed(e);
                        }
                    }
                }
            }
            return new Answer(race.winner().get(), race.hedges());
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
        race.run(() -> latencies.time(System::nanoTime, () -> model.chat(messages).text()));
    }

    /** Stops taking requests; a loser still running ends on its own once interrupted. */
    @Override
    public void close() {
        executor.shutdown();
    }
}
