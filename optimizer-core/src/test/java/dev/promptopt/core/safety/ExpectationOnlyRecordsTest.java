package dev.promptopt.core.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.Datasets;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.internal.data.DatasetReader;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MLflow records whose reference lives in expectations: "outputs": {} or null is no reference, never the text "{}". */
class ExpectationOnlyRecordsTest {
    @TempDir
    Path dir;

    @Test
    void emptyOutputsFallBackToExpectedResponseInTheJsonlReader() throws Exception {
        Path file = Files.writeString(dir.resolve("mlflow.jsonl"), """
                {"id": "1", "inputs": {"text": "I want my money back"}, "outputs": {}, "expectations": {"expected_response": "refund"}}
                {"id": "2", "inputs": {"text": "Where is my parcel"}, "outputs": null, "expectations": {"expected_response": "shipping"}}
                {"id": "3", "inputs": {"text": "hello"}, "outputs": "greeting", "expectations": {"expected_response": "ignored"}}
                """);
        Dataset d = DatasetReader.read(file, DatasetFormat.JSONL);

        assertThat(d.examples()).extracting(Example::referenceOutput).containsExactly("refund", "shipping", "greeting");
        assertThat(d.examples().get(0).outputs()).isNull();
        assertThat(d.examples().get(0).hasOutputs()).isFalse();
    }

    @Test
    void exactMatchScoresACorrectAnswerOneWhenTheReferenceIsAnExpectation() {
        Map<String, Object> record = new HashMap<>();
        record.put("inputs", Map.of("text", "I want my money back"));
        record.put("outputs", Map.of());
        record.put("expectations", Map.of("expected_response", "refund"));
        Dataset d = Datasets.fromRecords("mlflow", List.of(record));

        EvaluationResult r = Evaluation.of((inputs, prompts) -> "refund").data(d).scorers(Scorers.exactMatch()).run();

        assertThat(r.score()).isEqualTo(1.0);
    }

    @Test
    void theOneRuleLivesInExample() {
        Example viaRecord = new Example("a", Map.of("q", "x"), Map.of(), Map.of("expected_response", "yes"), Map.of(), "");
        Example none = new Example("b", Map.of("q", "x"), Map.of(), Map.of("guidelines", "be brief"), Map.of(), "");
        Example emptyExpected = new Example("c", Map.of("q", "x"), null, Map.of("expected_response", Map.of()), Map.of(), "");

        assertThat(viaRecord.referenceOutput()).isEqualTo("yes");
        assertThat(none.referenceOutput()).isNull();
        assertThat(emptyExpected.referenceOutput()).isNull();
        assertThat(Example.isEmptyOutput(Map.of())).isTrue();
        assertThat(Example.isEmptyOutput(null)).isTrue();
        assertThat(Example.isEmptyOutput("")).isFalse();
        assertThat(Example.isEmptyOutput(Map.of("label", "x"))).isFalse();
    }

    @Test
    void aRecordWithNeitherOutputsNorExpectedResponseIsReportedBeforeTheRunNamingTheScorer() throws Exception {
        Path file = Files.writeString(dir.resolve("train.jsonl"), """
                {"id": "1", "inputs": {"text": "I want my money back"}, "outputs": {}, "expectations": {"expected_response": "refund"}}
                {"id": "2", "inputs": {"text": "Where is my parcel"}, "outputs": {}, "expectations": {"expected_facts": ["late"]}}
                """);
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("intent", "Name the intent of: {{text}}");
        PromptOptimizer.Builder b = PromptOptimizer.builder().registry(registry).prompts("prompts:/intent/1")
                .predictFn((inputs, prompts) -> "refund")
                .trainData(DatasetReader.read(file, DatasetFormat.JSONL))
                .scorers(Scorers.exactMatch()).optimizer(new HillClimbOptimizer("intent", List.of("x")))
                .budget(Budget.metricCalls(50)).runDirectory(dir.resolve("runs"));

        assertThatThrownBy(b::build).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("example '2' (train.jsonl:2): scorer 'exact_match' needs a reference output"
                        + " ('outputs' or expectations.expected_response)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("example '1'"));
    }
}
