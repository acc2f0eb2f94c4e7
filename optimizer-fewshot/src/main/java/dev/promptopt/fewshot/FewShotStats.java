package dev.promptopt.fewshot;

import dev.promptopt.OptimizerStats;
import java.util.List;

/**
 * What a {@link FewShot} run reports about itself ({@link dev.promptopt.OptimizationResult#optimizerStats(Class)}).
 *
 * <pre>{@code
 * result.optimizerStats(FewShotStats.class).ifPresent(s -> log.info("chose {}", s.chosenDemonstrations()));
 * }</pre>
 *
 * @param demonstrationPool    training examples that could serve as demonstrations
 * @param demonstrationSets    demonstration sets drawn
 * @param validSets            sets that were scored (not rejected before any call)
 * @param rounds               rounds of growing set sizes run
 * @param chosenDemonstrations example ids of the best set's demonstrations, in prompt order
 */
public record FewShotStats(int demonstrationPool, int demonstrationSets, int validSets, int rounds,
                           List<String> chosenDemonstrations) implements OptimizerStats {
    public FewShotStats {
        chosenDemonstrations = List.copyOf(chosenDemonstrations);
    }
}
