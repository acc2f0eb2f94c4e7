package dev.promptopt.junit;

import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.junit.internal.FailureTable;
import java.util.List;
import java.util.Locale;

/**
 * Assertions on one score of an evaluation: a scorer's mean, or the aggregated score. A failure shows the
 * examples that scored below full marks, with output, expected output and each scorer's rationale.
 *
 * <pre>{@code
 * assertThat(evaluation).scorer("exact_match").isAtLeast(0.9);
 * assertThat(evaluation).score().isAtLeast(0.75);
 * }</pre>
 */
public final class ScoreAssert {
    private final EvaluationResult evaluation;
    private final String scorer;
    private final double value;
    private final String prefix;

    ScoreAssert(EvaluationResult evaluation, String scorer, double value, String prefix) {
        this.evaluation = evaluation;
        this.scorer = scorer;
        this.value = value;
        this.prefix = prefix;
    }

    /** The score this asserts on. */
    public double value() {
        return value;
    }

    /** Fails unless the score is at least {@code minimum}. */
    public ScoreAssert isAtLeast(double minimum) {
        checkBound(minimum);
        if (value < minimum) {
            throw failure("expected at least " + format(minimum));
        }
        return this;
    }

    /** Fails unless the score is at most {@code maximum} (e.g. a rate of unwanted answers). */
    public ScoreAssert isAtMost(double maximum) {
        checkBound(maximum);
        if (value > maximum) {
            throw failure("expected at most " + format(maximum));
        }
        return this;
    }

    private AssertionError failure(String expectation) {
        List<ExampleResult> below = evaluation.rows().stream().filter(this::belowFullMarks).toList();
        String what = scorer == null ? "score" : scorer;
        StringBuilder sb = new StringBuilder(prefix);
        sb.append(String.format(Locale.ROOT, "%s = %s over %d examples, %s; %d example%s below full marks:%n",
                what, format(value), evaluation.rows().size(), expectation, below.size(), below.size() == 1 ? "" : "s"));
        sb.append(FailureTable.render(below, scorer));
        return new AssertionError(sb.toString());
    }

    private boolean belowFullMarks(ExampleResult row) {
        if (row.failed()) {
            return true;
        }
        if (scorer == null) {
            return row.score() < 1.0;
        }
        Feedback f = row.feedback().get(scorer);
        return f == null || f.value() < 1.0;
    }

    private static void checkBound(double bound) {
        if (Double.isNaN(bound)) {
            throw new IllegalArgumentException("the bound must be a number, found NaN");
        }
    }

    static String format(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
