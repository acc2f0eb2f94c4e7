package dev.promptopt.core.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Aggregation;
import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.ObjectStoreException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptTemplate;
import dev.promptopt.TemplateException;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.Models;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.local.DirectoryObjectStore;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Likely mistakes are reported before a call is spent, naming the prompt or example and the field. */
class LikelyMistakesTest {
    @TempDir
    Path dir;
    private final AtomicInteger calls = new AtomicInteger();

    private PromptOptimizer.Builder withTemplate(String template, Dataset train) {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", template);
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> {
                    calls.incrementAndGet();
                    return prompts.get("sentiment").format(inputs);
                })
                .trainData(train).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("x"))).budget(Budget.metricCalls(50))
                .runDirectory(dir.resolve("runs"));
    }

    private static Dataset train() {
        return Dataset.of("train", List.of(Example.of("a", Map.of("text", "I love it"), "positive"),
                Example.of("b", Map.of("text", "meh"), "neutral")));
    }

    @Test
    void aTemplateWithoutVariablesIsAnErrorWhileTheExamplesHaveInputs() {
        assertThatThrownBy(() -> withTemplate("Classify the sentiment.", train()).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("prompt 'sentiment' (prompts:/sentiment/1) has no variable while the examples have"
                        + " inputs [text]: the model would see none of them (add e.g. {{text}}, or call"
                        + " .allowConstantPrompt() if the prompt is meant to ignore its inputs)");
        assertThat(calls).hasValue(0);
    }

    @Test
    void aConstantPromptIsAcceptedWhenAskedFor() {
        PromptOptimizer built = withTemplate("Classify the sentiment.", train()).allowConstantPrompt().build();
        assertThat(built.seed().get("sentiment").variables()).isEmpty();
    }

    @Test
    void anUnclosedPlaceholderIsReportedWithItsPosition() {
        assertThatThrownBy(() -> withTemplate("Classify.\nText: {{text\nAnswer: {{text}}", train()).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("prompt 'sentiment' (prompts:/sentiment/1): placeholder '{{text' at line 2,"
                        + " column 7 is never closed: expected {{text}}");
    }

    @Test
    void aSingleBracePlaceholderNamingAnInputIsReported() {
        assertThatThrownBy(() -> withTemplate("Classify {text}. Answer in JSON {\"label\": ...}", train()).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("prompt 'sentiment' (prompts:/sentiment/1): '{text}' at line 1, column 10 has"
                        + " single braces, so input 'text' is never filled in: expected {{text}}")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("label"));
    }

    @Test
    void aNullInputIsAnErrorNamingTheExampleAndTheField() {
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("text", null);
        Dataset data = Dataset.of("train", List.of(Example.of("a", Map.of("text", "fine"), "positive"),
                Example.of("b", inputs, "neutral")));
        assertThatThrownBy(() -> withTemplate("Classify: {{text}}", data).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("example 'b': input 'text' is null, and prompt 'sentiment' (prompts:/sentiment/1)"
                        + " renders it: give it a value");
        assertThatThrownBy(() -> PromptTemplate.text("Classify: {{text}}").format(inputs))
                .isInstanceOf(TemplateException.class)
                .hasMessage("template variable 'text' is null in the inputs: give it a value (a null would be rendered"
                        + " as the text \"null\")");
    }

    @Test
    void aBaseUrlThatIsNotAUrlIsRefusedByModelsResolve() {
        assertThatThrownBy(() -> Models.resolve("openai-compatible:/m?baseUrl=localhost:8000/v1"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("model openai-compatible:/m: baseUrl 'localhost:8000/v1' is not an http(s) URL with a host:"
                        + " expected e.g. http://localhost:8000/v1");
        assertThatThrownBy(() -> Models.resolve("openai-compatible:/m", Map.of("baseUrl", "http://exa mple/v1")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("baseUrl 'http://exa mple/v1' is not a URL (Illegal character in authority)");
    }

    @Test
    void theObjectStoreRefusesKeysThroughASymlinkOutsideItsRoot() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "do not read");
        Path root = Files.createDirectories(dir.resolve("store"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        DirectoryObjectStore store = new DirectoryObjectStore(root);

        assertThatThrownBy(() -> store.get("escape/secret.txt")).isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("invalid object key 'escape/secret.txt' for store file:" + root.toAbsolutePath()
                        + ": it goes through a symbolic link (escape) to " + outside.toRealPath() + ", outside the store");
        assertThatThrownBy(() -> store.put("escape/new.txt", "x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ObjectStoreException.class).hasMessageContaining("outside the store");
        assertThat(outside.resolve("new.txt")).doesNotExist();
        // A link that stays inside the root is fine.
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
        store.put("alias/ok.txt", "ok".getBytes(StandardCharsets.UTF_8));
        assertThat(root.resolve("real/ok.txt")).hasContent("ok");
    }

    @Test
    void theBuilderAndTheEvaluationShareOneConcurrencyLimit() throws Exception {
        String expected = "maxConcurrency: expected a whole number from 1 to 1024, found 10000";
        assertThatThrownBy(() -> PromptOptimizer.builder().maxConcurrency(10_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> Evaluation.of((i, p) -> "x").maxConcurrency(10_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThat(PromptOptimizer.builder().maxConcurrency(1024)).isNotNull();
    }

    @Test
    void anAggregationReturningNanStopsTheFirstBatchWithAClearError() {
        Aggregation broken = feedback -> Double.NaN;
        assertThatThrownBy(() -> withTemplate("Classify: {{text}}", train()).aggregation(broken).run())
                .hasMessageContaining("returned NaN for the feedback {exact_match=0.0}: expected a number from 0 to 1");
        Aggregation tooBig = feedback -> 2.0;
        assertThatThrownBy(() -> Evaluation.of((i, p) -> "positive").data(train()).scorers(Scorers.exactMatch())
                .aggregation(tooBig).run())
                .hasMessageContaining("returned 2.0 for the feedback {exact_match=");
    }
}
