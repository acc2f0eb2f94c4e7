package dev.promptopt;

import java.util.List;

/**
 * Scores one output of the predict function against an example. SPI: deterministic checks and
 * LLM judges implement it; {@code Scorers} in optimizer-core has the built-in ones.
 *
 * <pre>{@code
 * Scorer exact = Scorer.of("exact", (example, output) ->
 *     Feedback.of(String.valueOf(output).equals(example.outputs()), "compared with the reference"));
 * }</pre>
 */
public interface Scorer {
    /** The name used in metrics and reports; unique within a run. */
    String name();

    /** Scores one output. An exception here becomes a zero score with the error as feedback. */
    Feedback score(Example example, Object output) throws Exception;

    /**
     * What this scorer needs from an example that the example lacks, one sentence each, e.g.
     * "a reference output ('outputs')". Checked for every example before a run spends a call.
     */
    default List<String> missingRequirements(Example example) {
        return List.of();
    }

    /** Whether this scorer calls a language model (an LLM judge). */
    default boolean usesModel() {
        return false;
    }

    /** A scorer from a name and a function. */
    static Scorer of(String name, ScoreFunction fn) {
        return new Scorer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Feedback score(Example example, Object output) throws Exception {
                return fn.score(example, output);
            }

            @Override
            public String toString() {
                return "Scorer[" + name + "]";
            }
        };
    }

    /** The function behind {@link #of(String, ScoreFunction)}. */
    @FunctionalInterface
    interface ScoreFunction {
        Feedback score(Example example, Object output) throws Exception;
    }
}
