package dev.promptopt;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@code PromptOptimizer.run()}.
 *
 * <pre>{@code
 * OptimizationResult r = PromptOptimizer.builder()...run();
 * r.optimizedPrompts();                  // e.g. prompts:/sentiment/2, empty when nothing beat the seed
 * r.initialScore(); r.finalScore();
 * }</pre>
 *
 * @param runId            the run's id (folder name of its checkpoint and artifacts)
 * @param optimizer        the optimizer's name
 * @param initialPrompts   the registry versions the run started from
 * @param optimizedPrompts the new versions registered; empty when not registered (no improvement, or registration off)
 * @param bestTemplates    the best templates found, registered or not
 * @param initialScore     the seed's mean validation score
 * @param finalScore       the best candidate's mean validation score
 * @param initialScores    scorer name -> the seed's mean validation value
 * @param finalScores      scorer name -> the best candidate's mean validation value
 * @param candidates       every candidate kept, with lineage
 * @param bestCandidate    index of the best candidate
 * @param metricCalls      metric calls spent (cache hits excluded)
 * @param stopReason       why the run stopped
 * @param duration         wall time of the run
 * @param stats            failed and hedged calls, failed examples, prompts the predict function never loaded
 * @param usage            dollars, and calls and tokens per model role
 * @param optimizerStats   the optimizer's own facts (e.g. {@code GepaStats}); read with {@link #optimizerStats(Class)}
 */
public record OptimizationResult(String runId, String optimizer, List<PromptVersion> initialPrompts,
                                 List<PromptVersion> optimizedPrompts, PromptSet bestTemplates, double initialScore,
                                 double finalScore, Map<String, Double> initialScores, Map<String, Double> finalScores,
                                 List<CandidateRecord> candidates, int bestCandidate, long metricCalls,
                                 StopReason stopReason, Duration duration, RunStats stats, RunUsage usage,
                                 OptimizerStats optimizerStats) {
    public OptimizationResult {
        initialPrompts = List.copyOf(initialPrompts);
        optimizedPrompts = List.copyOf(optimizedPrompts);
        initialScores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(initialScores));
        finalScores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(finalScores));
        candidates = List.copyOf(candidates);
        java.util.Objects.requireNonNull(stats, "stats");
        java.util.Objects.requireNonNull(usage, "usage");
        java.util.Objects.requireNonNull(optimizerStats, "optimizerStats");
    }

    /**
     * The optimizer's own facts as {@code type}, e.g. {@code result.optimizerStats(GepaStats.class)}; empty when the
     * run's optimizer reports another type.
     */
    public <T extends OptimizerStats> java.util.Optional<T> optimizerStats(Class<T> type) {
        return type.isInstance(optimizerStats) ? java.util.Optional.of(type.cast(optimizerStats)) : java.util.Optional.empty();
    }

    /** Whether the best candidate scored strictly higher than the seed. */
    public boolean improved() {
        return finalScore > initialScore;
    }
}
