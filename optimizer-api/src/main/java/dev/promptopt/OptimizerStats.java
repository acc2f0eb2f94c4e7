package dev.promptopt;

/**
 * An optimizer's own facts about its run (iterations, proposals, fronts ...), as a record the optimizer defines:
 * GEPA's is {@code GepaStats}, few-shot's {@code FewShotStats}. JSON writers (result.json, the report) write the
 * record's components; code reads them typed through {@link OptimizationResult#optimizerStats(Class)}.
 *
 * <pre>{@code
 * int iterations = result.optimizerStats(GepaStats.class).map(GepaStats::iterations).orElse(0);
 * }</pre>
 */
public interface OptimizerStats {
    /** Facts of an optimizer that reports none. */
    record None() implements OptimizerStats {
    }

    /** The stats of an optimizer that reports none. */
    static OptimizerStats none() {
        return new None();
    }
}
