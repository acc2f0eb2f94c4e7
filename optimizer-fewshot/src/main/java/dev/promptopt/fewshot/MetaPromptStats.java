package dev.promptopt.fewshot;

import dev.promptopt.OptimizerStats;

/**
 * What a {@link MetaPrompt} run reports about itself ({@link dev.promptopt.OptimizationResult#optimizerStats(Class)}).
 *
 * <pre>{@code
 * result.optimizerStats(MetaPromptStats.class).ifPresent(s -> log.info("{} rewrites kept", s.accepted()));
 * }</pre>
 *
 * @param passes   rewrite passes done
 * @param accepted rewrites kept (they beat the best before them)
 */
public record MetaPromptStats(int passes, int accepted) implements OptimizerStats {
}
