package dev.promptopt.junit;

import dev.promptopt.core.EvaluationResult;

/**
 * Entry point of the prompt regression assertions: evaluate a prompt version on a dataset with scorers, then
 * assert on the scores. A failed assertion lists, per example, what the model answered, what was expected and
 * why each scorer failed it.
 *
 * <pre>{@code
 * import static dev.promptopt.junit.PromptAssertions.assertThat;
 *
 * EvaluationResult evaluation = Evaluation.of(predict).prompts(registry, "prompts:/sentiment/3")
 *         .data(Dataset.fromJsonl(Path.of("src/test/resources/sentiment.jsonl")))
 *         .scorers(Scorers.exactMatch()).run();
 * assertThat(evaluation).hasNoFailures().scorer("exact_match").isAtLeast(0.9);
 * }</pre>
 */
public final class PromptAssertions {
    private PromptAssertions() {
    }

    public static EvaluationAssert assertThat(EvaluationResult evaluation) {
        return new EvaluationAssert(evaluation, null);
    }
}
