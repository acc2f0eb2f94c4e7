package dev.promptopt.examples;

import static dev.promptopt.junit.PromptAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Dataset;
import dev.promptopt.LanguageModel;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.SystemicFailureException;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.Models;
import dev.promptopt.core.Scorers;
import dev.promptopt.junit.RecordedModel;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A prompt regression test as a project writes one: evaluate a prompt version on a golden dataset and assert on
 * its score. The model's answers are replayed from {@code src/test/resources/recordings/sentiment-smollm2.json},
 * recorded once from the offline local model (SmolLM2-135M) with
 * {@code mvn -pl examples -am test -Dtest=SentimentPromptRegressionTest -Dpromptopt.recording=record-missing},
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
                .scorers(Scorers.containsReference())
                .maxConcurrency(1)
                .run();
    }

    @Test
    void theCurrentPromptKeepsItsScoreOnTheGoldenSet() {
        assertThat(evaluate(CURRENT)).as("sentiment, current prompt").hasNoFailures()
                .scorer("contains").isAtLeast(0.75);
    }

    @Test
    void aRegressedPromptFailsWithATableOfWhatWentWrong() {
        EvaluationResult regressed = evaluate(REGRESSED);

        assertThatThrownBy(() -> assertThat(regressed).as("sentiment, edited prompt").scorer("contains").isAtLeast(0.75))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("[sentiment, edited prompt] contains = ")
                .hasMessageContaining("expected at least 0.750")
                .hasMessageContaining("| id ")
                .hasMessageContaining("| expected ")
                .hasMessageContaining("| why ")
                .hasMessageContaining("does not contain");
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
