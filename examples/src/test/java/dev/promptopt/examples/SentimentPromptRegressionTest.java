package dev.promptopt.examples;

import static dev.promptopt.junit.PromptAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.promptopt.Dataset;
import dev.promptopt.LanguageModel;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.SystemicFailureException;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.MatchOptions;
import dev.promptopt.core.Models;
import dev.promptopt.core.Scorers;
import dev.promptopt.junit.RecordedModel;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A prompt regression test as a project writes one: evaluate a prompt version on a golden dataset and assert on
 * its score. The model's answers are replayed from {@code src/test/resources/recordings/sentiment-smollm2.json},
 * recorded once from the offline local model (SmolLM2-135M) with
 * {@code ./mvnw -pl examples -am test -Dtest=SentimentPromptRegressionTest -Dpromptopt.recording=record-missing},
 * so the test runs offline, deterministically, in milliseconds.
 */
class SentimentPromptRegressionTest {
    /** The prompt as it is in production. */
    static final String CURRENT = "Classify the sentiment of the text. Answer with one word: positive or negative.\nText: {{text}}";
    /** A careless edit: the model now answers "happy" or "sad", which the application does not understand. */
    static final String REGRESSED = "How does the writer feel? Answer with one word: happy or sad.\nText: {{text}}";

    static final Path RECORDING = Path.of("src/test/resources/recordings/sentiment-smollm2.json");
    static final String MODEL = "local:/smollm2-135m?temperature=0&maxTokens=8&seed=42";

    static Dataset golden;
    static LanguageModel model;

    @BeforeAll
    static void setUp() throws URISyntaxException {
        golden = Dataset.fromJsonl(Path.of(SentimentPromptRegressionTest.class.getResource("/sentiment-golden.jsonl").toURI()));
        model = RecordedModel.builder(RECORDING)
                .name(MODEL)
                .live(() -> Models.resolve(MODEL))         // only when recording
                .build();
    }

    static EvaluationResult evaluate(String template) {
        return evaluate(template, model);
    }

    static EvaluationResult evaluate(String template, LanguageModel model) {
        PromptRegistry registry = PromptRegistry.inMemory();
        String uri = registry.register("sentiment", template).uri();
        PredictFn predict = (inputs, prompts) -> model.chat(prompts.get("sentiment").format(inputs)).text();
        return Evaluation.of(predict)
                .prompts(registry, uri)
                .data(golden)
                .scorers(Scorers.containsReference(MatchOptions.ofDefaults().ignoreCase(true)))
                .maxConcurrency(1)
                .run();
    }

    /**
     * The current prompt's recorded score: SmolLM2-135M gets the 4 positive sentences and misses the 4 negative
     * ones. A hosted model scores higher; the bound is what this model reaches, so any regression fails.
     */
    static final double BASELINE = 0.5;

    @Test
    void theCurrentPromptKeepsItsScoreOnTheGoldenSet() {
        assertThat(evaluate(CURRENT)).as("sentiment, current prompt").hasNoFailures()
                .scorer("contains").isAtLeast(BASELINE);
    }

    @Test
    void aRegressedPromptFailsWithATableOfWhatWentWrong() {
        EvaluationResult regressed = evaluate(REGRESSED);

        AssertionError failure = catchThrowableOfType(
                () -> assertThat(regressed).as("sentiment, edited prompt").scorer("contains").isAtLeast(BASELINE),
                AssertionError.class);

        org.assertj.core.api.Assertions.assertThat(failure).isNotNull();
        LoggerFactory.getLogger(SentimentPromptRegressionTest.class).info("what a regressed prompt reports:\n{}",
                failure.getMessage());
        org.assertj.core.api.Assertions.assertThat(failure.getMessage())
                .startsWith("[sentiment, edited prompt] contains = 0.000 over 8 examples, expected at least 0.500; "
                        + "8 examples below full marks:")
                .contains("| id ", "| contains ", "| output ", "| expected ", "| why ")
                .containsPattern("\\| g1 +\\| 0\\.000 +\\| .+ +\\| positive +\\| output does not contain \"positive\"");
    }

    @Test
    void aPromptWhoseAnswersWereNeverRecordedIsANotRecordedError() {
        // strict replay whatever the mode, so that recording the other tests never records this prompt
        LanguageModel replayOnly = RecordedModel.builder(RECORDING).name(MODEL).mode(RecordedModel.Mode.REPLAY).build();

        assertThatThrownBy(() -> evaluate("Sentiment of: {{text}}", replayOnly))
                .isInstanceOf(SystemicFailureException.class)
                .hasMessageContaining("not recorded: " + RECORDING)
                .hasMessageContaining("-Dpromptopt.recording=record-missing");
    }
}
