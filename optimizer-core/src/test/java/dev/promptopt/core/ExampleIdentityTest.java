package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An example is its id and its content: the builder refuses two different examples sharing an id. */
class ExampleIdentityTest {
    @TempDir
    Path dir;

    private final AtomicInteger calls = new AtomicInteger();

    private PromptOptimizer.Builder builder(Dataset train, Dataset validation) {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify.\nText: {{text}}");
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> {
                    calls.incrementAndGet();
                    return "positive";
                })
                .trainData(train).validationData(validation)
                .scorers(Scorers.exactMatch()).optimizer(new HillClimbOptimizer("sentiment", List.of("x")))
                .budget(Budget.metricCalls(50)).runDirectory(dir.resolve("runs"));
    }

    private Dataset jsonl(String name, String... lines) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n");
        return Dataset.fromJsonl(file);
    }

    @Test
    void twoDifferentExamplesWithOneIdAcrossTrainAndValidationAreRefusedNamingBothFilesAndLines() throws Exception {
        Dataset train = jsonl("train.jsonl",
                "{\"id\": \"1\", \"inputs\": {\"text\": \"I love it\"}, \"outputs\": \"positive\"}",
                "{\"id\": \"2\", \"inputs\": {\"text\": \"awful\"}, \"outputs\": \"negative\"}");
        Dataset validation = jsonl("validation.jsonl",
                "{\"id\": \"2\", \"inputs\": {\"text\": \"awful\"}, \"outputs\": \"negative\"}",
                "{\"id\": \"1\", \"inputs\": {\"text\": \"it broke\"}, \"outputs\": \"negative\"}");

        assertThatThrownBy(() -> builder(train, validation).run())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("two different examples share the id '1': train.jsonl:1 (dataset 'train.jsonl') "
                        + "and validation.jsonl:2 (dataset 'validation.jsonl') differ in inputs and outputs; give them "
                        + "distinct ids (an example is its id and its content)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("'2'"));
        assertThat(calls.get()).isZero();
    }

    @Test
    void examplesDifferingOnlyInTheirExpectationsAreDifferentExamples() throws Exception {
        Dataset train = jsonl("train.jsonl",
                "{\"id\": \"q\", \"inputs\": {\"text\": \"hi\"}, \"expectations\": {\"expected_response\": \"positive\"}}");
        Dataset validation = jsonl("val.jsonl",
                "{\"id\": \"q\", \"inputs\": {\"text\": \"hi\"}, \"expectations\": {\"expected_response\": \"neutral\"}}");
        assertThatThrownBy(() -> builder(train, validation).run())
                .hasMessageContaining("two different examples share the id 'q': train.jsonl:1 (dataset 'train.jsonl') and "
                        + "val.jsonl:1 (dataset 'val.jsonl') differ in expectations");
    }

    @Test
    void theSameExampleInTrainAndValidationIsFine() throws Exception {
        String row = "{\"id\": \"1\", \"inputs\": {\"text\": \"I love it\"}, \"outputs\": \"positive\"}";
        Dataset train = jsonl("train.jsonl", row);
        Dataset validation = jsonl("validation.jsonl", row,
                "{\"id\": \"3\", \"inputs\": {\"text\": \"fine\"}, \"outputs\": \"neutral\"}");
        assertThat(builder(train, validation).run().initialScore()).isEqualTo(0.5);
    }
}
