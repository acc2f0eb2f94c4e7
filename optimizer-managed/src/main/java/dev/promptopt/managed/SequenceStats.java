package dev.promptopt.managed;

import dev.promptopt.OptimizerStats;
import java.util.List;
import java.util.Objects;

/**
 * The facts of an {@link OptimizerSequence}: each stage's own stats, in the order the stages ran.
 *
 * <pre>{@code
 * result.optimizerStats(SequenceStats.class).ifPresent(s -> s.stages().forEach(st -> log.info("{}: {}", st.name(), st.stats())));
 * }</pre>
 *
 * @param stages the stages that ran (a run stopped early lists fewer than the sequence has)
 */
public record SequenceStats(List<Stage> stages) implements OptimizerStats {
    /**
     * One stage.
     *
     * @param name  the stage optimizer's name
     * @param stats what it reported
     */
    public record Stage(String name, OptimizerStats stats) {
        public Stage {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(stats, "stats");
        }
    }

    public SequenceStats {
        stages = List.copyOf(stages);
    }
}
