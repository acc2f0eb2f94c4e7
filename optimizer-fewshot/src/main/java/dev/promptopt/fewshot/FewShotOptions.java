package dev.promptopt.fewshot;

import java.util.Objects;

/**
 * Options of the {@link FewShot} optimizer; immutable, each option method (named after its option) returns a changed copy.
 *
 * <pre>{@code
 * FewShotOptions o = FewShotOptions.ofDefaults().maxDemos(6).candidateSets(24).outputPrefix("Sentiment: ");
 * }</pre>
 *
 * @param maxDemos        the most demonstrations in a prompt (default 4)
 * @param minDemos        the fewest demonstrations in a candidate set (default 1); the seed (none) always competes
 * @param candidateSets   how many random demonstration sets to draw (default 16); fewer when the budget cannot pay
 * @param source          where demonstrations come from (default {@link DemoSource#AUTO})
 * @param passingScore    the score a model output needs to become a bootstrapped demonstration (default 1.0)
 * @param outputPrefix    written before each demonstration's answer in text templates, and (trimmed) as the
 *                        answer cue at the end (default {@code "Answer: "})
 * @param firstRoundSize   validation examples every set is scored on in the first round of successive halving
 *                        (default 0: chosen from the validation size and the number of sets)
 * @param maxMetricCalls  the optimizer's own limit, applied together with the run's budget; 0 for none
 */
public record FewShotOptions(int maxDemos, int minDemos, int candidateSets, DemoSource source, double passingScore,
                             String outputPrefix, int firstRoundSize, long maxMetricCalls) {

    /** Where demonstrations come from. */
    public enum DemoSource {
        /** The training examples' reference outputs. */
        REFERENCE_OUTPUTS,
        /** The target model's own outputs on training examples (with the seed prompt) that pass the scorers. */
        PASSING_OUTPUTS,
        /** Reference outputs where the examples have them; otherwise passing model outputs. */
        AUTO
    }

    public FewShotOptions {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(outputPrefix, "outputPrefix");
        if (maxDemos < 1) {
            throw new IllegalArgumentException("maxDemos must be >= 1, found " + maxDemos);
        }
        if (minDemos < 1 || minDemos > maxDemos) {
            throw new IllegalArgumentException("minDemos must be between 1 and maxDemos (" + maxDemos + "), found " + minDemos);
        }
        if (candidateSets < 1) {
            throw new IllegalArgumentException("candidateSets must be >= 1, found " + candidateSets);
        }
        if (!(passingScore >= 0 && passingScore <= 1)) {
            throw new IllegalArgumentException("passingScore must be in [0, 1], found " + passingScore);
        }
        if (firstRoundSize < 0) {
            throw new IllegalArgumentException("firstRoundSize must be >= 0 (0: automatic), found " + firstRoundSize);
        }
        if (maxMetricCalls < 0) {
            throw new IllegalArgumentException("maxMetricCalls must be >= 0 (0: none), found " + maxMetricCalls);
        }
    }

    /** 1 to 4 demonstrations, 16 sets, reference outputs where present, {@code "Answer: "}. */
    public static FewShotOptions ofDefaults() {
        return new FewShotOptions(4, 1, 16, DemoSource.AUTO, 1.0, "Answer: ", 0, 0);
    }

    public FewShotOptions maxDemos(int v) {
        return new FewShotOptions(v, Math.min(minDemos, v), candidateSets, source, passingScore, outputPrefix, firstRoundSize, maxMetricCalls);
    }

    public FewShotOptions minDemos(int v) {
        return new FewShotOptions(maxDemos, v, candidateSets, source, passingScore, outputPrefix, firstRoundSize, maxMetricCalls);
    }

    public FewShotOptions candidateSets(int v) {
        return new FewShotOptions(maxDemos, minDemos, v, source, passingScore, outputPrefix, firstRoundSize, maxMetricCalls);
    }

    public FewShotOptions source(DemoSource v) {
        return new FewShotOptions(maxDemos, minDemos, candidateSets, v, passingScore, outputPrefix, firstRoundSize, maxMetricCalls);
    }

    public FewShotOptions passingScore(double v) {
        return new FewShotOptions(maxDemos, minDemos, candidateSets, source, v, outputPrefix, firstRoundSize, maxMetricCalls);
    }

    public FewShotOptions outputPrefix(String v) {
        return new FewShotOptions(maxDemos, minDemos, candidateSets, source, passingScore, v, firstRoundSize, maxMetricCalls);
    }

    public FewShotOptions firstRoundSize(int v) {
        return new FewShotOptions(maxDemos, minDemos, candidateSets, source, passingScore, outputPrefix, v, maxMetricCalls);
    }

    public FewShotOptions maxMetricCalls(long v) {
        return new FewShotOptions(maxDemos, minDemos, candidateSets, source, passingScore, outputPrefix, firstRoundSize, v);
    }
}
