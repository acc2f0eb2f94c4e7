package dev.promptopt.junit;

import dev.promptopt.ExampleResult;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.junit.internal.FailureTable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Assertions on one {@link EvaluationResult}; made by {@link PromptAssertions#assertThat(EvaluationResult)}.
 *
 * <pre>{@code
 * assertThat(evaluation).as("sentiment v3 on the golden set")
 *         .hasNoFailures()
 *         .scorer("exact_match").isAtLeast(0.9);
 * }</pre>
 */
public final class EvaluationAssert {
    private final EvaluationResult evaluation;
    private final String description;

    EvaluationAssert(EvaluationResult evaluation, String description) {
        this.evaluation = Objects.requireNonNull(evaluation, "evaluation");
        this.description = description;
    }

    /** A description that starts every failure message, e.g. the prompt URI and dataset. */
    public EvaluationAssert as(String description) {
        return new EvaluationAssert(evaluation, description);
    }

    /**
     * Fails when any example's predict call or scorer raised an error, with one row per failed example.
     */
    public EvaluationAssert hasNoFailures() {
        List<ExampleResult> failed = evaluation.rows().stream().filter(ExampleResult::failed).toList();
        if (!failed.isEmpty()) {
            throw new AssertionError(prefix() + String.format(Locale.ROOT,
                    "expected no failed examples, but %d of %d failed:%n", failed.size(), evaluation.rows().size())
                    + FailureTable.render(failed, null));
        }
        return this;
    }

    /**
     * The mean of one scorer over the examples.
     *
     * @throws AssertionError naming the scorers the evaluation has when {@code scorerName} is not one of them
     */
    public ScoreAssert scorer(String scorerName) {
        Double mean = evaluation.metrics().get(scorerName);
        if (mean == null) {
            throw new AssertionError(prefix() + "the evaluation has no scorer '" + scorerName + "'; its scorers are "
                    + evaluation.metrics().keySet());
        }
        return new ScoreAssert(evaluation, scorerName, mean, prefix());
    }

    /** The aggregated score (the mean of the per-example scores). */
    public ScoreAssert score() {
        return new ScoreAssert(evaluation, null, evaluation.score(), prefix());
    }

    private String prefix() {
        return description == null ? "" : "[" + description + "] ";
    }
}
