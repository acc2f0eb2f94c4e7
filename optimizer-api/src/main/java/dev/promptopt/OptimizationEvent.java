package dev.promptopt;

import java.time.Duration;
import java.util.List;

/**
 * What happens during a run, as typed events. Listeners test the record type with {@code instanceof}.
 *
 * <pre>{@code
 * OptimizationListener l = event -> {
 *     if (event instanceof OptimizationEvent.CandidateAccepted a) log.info("new best {}", a.score());
 * };
 * }</pre>
 */
public sealed interface OptimizationEvent {

    /** The run started; validation passed. */
    record RunStarted(String runId, String optimizer, List<String> prompts, int trainSize, int validationSize,
                      Budget budget) implements OptimizationEvent {
    }

    /** An optimizer iteration began (1-based). */
    record IterationStarted(int iteration) implements OptimizationEvent {
    }

    /** The optimizer proposed a candidate. */
    record CandidateProposed(int iteration, List<Integer> parents, String origin, PromptSet candidate)
            implements OptimizationEvent {
    }

    /**
     * A candidate was evaluated on some examples.
     *
     * @param phase {@code baseline}, {@code minibatch}, {@code validation}, {@code final} or an optimizer's own word
     */
    record CandidateEvaluated(int iteration, String phase, int examples, double score, long metricCallsUsed)
            implements OptimizationEvent {
    }

    /** A candidate joined the pool. */
    record CandidateAccepted(int iteration, int candidateIndex, List<Integer> parents, double score, boolean newBest)
            implements OptimizationEvent {
    }

    /**
     * The engine finished scoring a candidate on a batch of examples (cache hits included); trackers use the
     * batches that cover the validation set to log each candidate while the run goes.
     */
    record BatchEvaluated(EvaluationBatch batch, long metricCallsUsed) implements OptimizationEvent {
    }

    /** A proposal was discarded, with the reason. */
    record CandidateRejected(int iteration, String reason) implements OptimizationEvent {
    }

    /** Budget use after a batch; {@code costUsd} is NaN when the run has no cost source. */
    record BudgetUpdated(long metricCallsUsed, Long maxMetricCalls, Duration elapsed, double costUsd)
            implements OptimizationEvent {
    }

    /**
     * The run ended: its result, with the two full evaluations it compares. Reports and trackers are written
     * from this event.
     *
     * @param result          what {@code run()} returns
     * @param baseline        the seed scored on the validation set
     * @param finalEvaluation the best candidate scored on the validation set
     */
    record RunFinished(OptimizationResult result, EvaluationBatch baseline, EvaluationBatch finalEvaluation)
            implements OptimizationEvent {
        public RunFinished {
            java.util.Objects.requireNonNull(result, "result");
            java.util.Objects.requireNonNull(baseline, "baseline");
            java.util.Objects.requireNonNull(finalEvaluation, "finalEvaluation");
        }

        public double initialScore() {
            return result.initialScore();
        }

        public double finalScore() {
            return result.finalScore();
        }

        public StopReason stopReason() {
            return result.stopReason();
        }

        public long metricCalls() {
            return result.metricCalls();
        }

        public Duration elapsed() {
            return result.duration();
        }
    }
}
