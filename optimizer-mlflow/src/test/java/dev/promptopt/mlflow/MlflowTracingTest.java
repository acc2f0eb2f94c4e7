package dev.promptopt.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptVersion;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Traces written from Java are MLflow traces for Python, and traces become datasets (model migration). */
@ExtendWith(MlflowServerExtension.class)
class MlflowTracingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static MlflowServer server;

    @BeforeAll
    static void server(MlflowServer s) {
        server = s;
    }

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void tracesWrittenFromJavaAreReturnedByPythonSearchTracesAndBecomeADatasetOfOriginalOutputs() throws Exception {
        String experiment = unique("migration");
        MlflowPromptRegistry registry = new MlflowPromptRegistry(server.connection());
        PromptVersion v1 = registry.register(unique("sentiment"), "Classify: {{text}}");
        PredictFn original = (inputs, prompts) -> {
            String text = (String) inputs.get("text");
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty text");
            }
            return text.contains("love") ? "positive" : "negative";
        };
        MlflowTracing tracing = MlflowTracing.builder(server.connection()).experiment(experiment)
                .linkedPrompts(List.of(v1)).build();
        PredictFn traced = tracing.wrap(original);
        PromptSet prompts = PromptSet.of(v1.name(), v1.template());

        assertThat(traced.predict(Map.of("text", "I love it"), prompts)).isEqualTo("positive");
        assertThat(traced.predict(Map.of("text", "I hate it"), prompts)).isEqualTo("negative");
        assertThatThrownBy(() -> traced.predict(Map.of("text", ""), prompts)).hasMessage("empty text");

        JsonNode py = JSON.readTree(server.python("""
                import json, mlflow
                traces = mlflow.search_traces(locations=["%s"], return_type="list")
                out = []
                for t in traces:
                    root = t.data._get_root_span()
                    out.append({"id": t.info.trace_id, "state": str(t.info.state), "inputs": root.inputs,
                                "outputs": root.outputs, "linked": t.info.tags.get("mlflow.linkedPrompts"),
                                "ms": t.info.execution_duration, "name": root.name})
                print(json.dumps(out))
                """.formatted(tracing.experimentId())).lines().reduce((a, b) -> b).orElseThrow());

        assertThat(py).hasSize(3);
        assertThat(py.findValuesAsText("outputs")).contains("positive", "negative");
        for (JsonNode t : py) {
            assertThat(t.path("name").asText()).isEqualTo("predict");
            assertThat(t.path("linked").asText()).isEqualTo("[{\"name\":\"" + v1.name() + "\",\"version\":\"1\"}]");
            assertThat(t.path("inputs").path("text").isTextual()).isTrue();
        }
        assertThat(py.findValuesAsText("state")).anyMatch(s -> s.contains("ERROR"));

        Dataset migration = new MlflowTraces(server.connection()).toDataset(experiment);
        assertThat(migration.examples()).hasSize(2); // the failed call has no original output
        assertThat(migration.examples()).extracting(e -> e.inputs().get("text") + " -> " + e.outputs())
                .containsExactlyInAnyOrder("I love it -> positive", "I hate it -> negative");
        assertThat(migration.ids()).allMatch(id -> id.startsWith("tr-"));
    }

    @Test
    void tracesWrittenByPythonBecomeADatasetInJavaAndAnEvaluationDatasetBothClientsRead() throws Exception {
        String experiment = unique("py-traces");
        server.python("""
                import mlflow
                mlflow.set_experiment("%s")
                @mlflow.trace
                def answer(question, lang):
                    return {"answer": question.upper(), "lang": lang}
                answer("what is mlflow?", "en")
                answer("wie spät ist es?", "de")
                mlflow.flush_trace_async_logging()
                """.formatted(experiment));

        MlflowTraces traces = new MlflowTraces(server.connection());
        Dataset fromPython = traces.toDataset(experiment);
        assertThat(fromPython.examples()).extracting(Example::inputs)
                .containsExactlyInAnyOrder(Map.of("question", "what is mlflow?", "lang", "en"),
                        Map.of("question", "wie spät ist es?", "lang", "de"));
        assertThat(fromPython.examples()).extracting(Example::outputs)
                .contains(Map.of("answer", "WHAT IS MLFLOW?", "lang", "en"));

        MlflowEvaluationDatasets datasets = new MlflowEvaluationDatasets(server.connection());
        String name = unique("eval");
        String id = datasets.create(name, experiment, Map.of("team", "nlp"));
        datasets.merge(id, Dataset.of(List.of(
                Example.withExpectations("a", Map.of("question", "2+2?", "lang", "en"), Map.of("expected_response", "4")))));
        datasets.mergeTraces(id, traces.search(experiment));

        Dataset read = datasets.read(id);
        assertThat(read.name()).isEqualTo(name);
        assertThat(read.examples()).hasSize(3);
        assertThat(read.examples()).filteredOn(e -> e.tags().containsKey("mlflow.trace_id")).hasSize(2)
                .allMatch(e -> e.outputs() != null);
        assertThat(read.examples()).filteredOn(e -> e.inputs().get("question").equals("2+2?"))
                .singleElement().satisfies(e -> {
                    assertThat(e.expectations()).containsEntry("expected_response", "4");
                    // The server may send "outputs": {} for an expectation-only record: that is no reference output.
                    assertThat(e.outputs()).isNull();
                    assertThat(e.referenceOutput()).isEqualTo("4");
                });
        assertThat(datasets.findByName(name)).contains(id);

        String count = server.python("""
                from mlflow.genai.datasets import get_dataset
                print(len(get_dataset(dataset_id="%s").to_df()))
                """.formatted(id)).strip();
        assertThat(count).endsWith("3");
    }
}
