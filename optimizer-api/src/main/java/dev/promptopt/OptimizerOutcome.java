package dev.promptopt;

import java.util.List;

/**
 * What an {@link Optimizer} returns: the best candidate, every candidate it kept, and why it stopped.
 *
 * <pre>{@code
 * return new OptimizerOutcome(best, candidates, bestIndex, StopReason.completed("search space exhausted"));
 * }</pre>
 *
 * @param best       the templates to keep
 * @param candidates every candidate kept, seed first (may be just the seed)
 * @param bestIndex  index of {@code best} in {@code candidates}
 * @param stopReason why the optimizer stopped
 * @param stats      the optimizer's own facts (counters, fronts, options) for the result, as its own record
 */
public record OptimizerOutcome(PromptSet best, List<CandidateRecord> candidates, int bestIndex, StopReason stopReason,
                               OptimizerStats stats) {
    public OptimizerOutcome {
        candidates = List.copyOf(candidates);
        java.util.Objects.requireNonNull(stats, "stats");
    }

    /** The optimizer's facts as {@code type}; empty when they are of another type. */
    public <T extends OptimizerStats> java.util.Optional<T> stats(Class<T> type) {
        return type.isInstance(stats) ? java.util.Optional.of(type.cast(stats)) : java.util.Optional.empty();
    }

    /** An outcome without optimizer facts ({@link OptimizerStats#none()}). */
    public OptimizerOutcome(PromptSet best, List<CandidateRecord> candidates, int bestIndex, StopReason stopReason) {
        this(best, candidates, bestIndex, stopReason, OptimizerStats.none());
    }
}
