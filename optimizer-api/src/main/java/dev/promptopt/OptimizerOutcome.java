package dev.promptopt;

import java.util.List;
import java.util.Map;

/**
 * What an {@link Optimizer} returns: the best candidate, every candidate it kept, and why it stopped.
 *
 * <pre>{@code
 * return new OptimizerOutcome(best, candidates, bestIndex, StopReason.completed("search space exhausted"), Map.of());
 * }</pre>
 *
 * @param best       the templates to keep
 * @param candidates every candidate kept, seed first (may be just the seed)
 * @param bestIndex  index of {@code best} in {@code candidates}
 * @param stopReason why the optimizer stopped
 * @param details    optimizer-specific facts (counters, options) for the result record
 */
public record OptimizerOutcome(PromptSet best, List<CandidateRecord> candidates, int bestIndex, StopReason stopReason,
                               Map<String, Object> details) {
    public OptimizerOutcome {
        candidates = List.copyOf(candidates);
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }
}
