package dev.promptopt.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptVersion;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.testing.HillClimbOptimizer;
import dev.promptopt.core.testing.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A whole optimization tracked in MLflow, read back with MLflow's Python client; a server outage and a resume. */
@ExtendWith(MlflowServerExtension.class)
class MlflowOptimizationRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static MlflowServer server;

    /** Obeys only the rules its instruction states: one lowercase word only when told so. */
    static final LanguageModel TARGET = ScriptedModel.answering(prompt -> {
        String text = prompt.substring(prompt.indexOf("Text:") + 5).toLowerCase();
        String label = text.contains("love") || text.contains("great") ? "positive"
                : text.contains("hate") || text.contains("awful") ? "negative" : "neutral";
        return prompt.contains("one word") ? label : "The sentiment of this text is " + label + ".";
    });

    static final Dataset TRAIN = Dataset.of("sentiment", List.of(
            Example.of("1", Map.of("text", "I love this phone"), "positive"),
            Example.of("2", Map.of("text", "I hate waiting"), "negative"),
            Example.of("3", Map.of("text", "It arrived on Tuesday"), "neutral"),
            Example.of("4", Map.of("text", "What a great day"), "positive"),
            Example.of("5", Map.of("text", "The food was awful"), "negative")));

    @BeforeAll
    static void server(MlflowServer s) {
        server = s;
    }

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static PromptOptimizer.Builder optimization(MlflowConnection mlflow, PromptVersion seed, PredictFn predict,
                                                        String experiment, Path runs) {
        return PromptOptimizer.builder()
                .registry(new MlflowPromptRegistry(mlflow))
                .prompts(seed.uri())
                .predictFn(predict)
                .trainData(TRAIN)
                .scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer(seed.name(), List.of("Be polite.", "Answer with one word.")))
                .budget(Budget.metricCalls(100))
                .maxConcurrency(1)
                .runDirectory(runs)
                .tracker(new MlflowRunTracker(mlflow))
                .experiment(experiment);
    }

    @Test
    void anOptimizationLoggedToMlflowIsVisibleToThePythonClient(@TempDir Path dir) throws Exception {
        MlflowConnection mlflow = server.connection();
        String prompt = unique("sentiment");
        String experiment = unique("optimization");
        PromptVersion seed = new MlflowPromptRegistry(mlflow).register(prompt,
                "Classify the sentiment. Answer 'positive' or 'negative' or 'neutral'.\nText: {{text}}");
        PredictFn predict = (inputs, prompts) -> TARGET.chat(prompts.get(prompt).format(inputs)).text().toLowerCase();

        OptimizationResult result = optimization(mlflow, seed, predict, experiment, dir).run();

        assertThat(result.finalScore()).isEqualTo(1.0);
        assertThat(result.optimizedPrompts()).extracting(PromptVersion::uri).containsExactly("prompts:/" + prompt + "/2");
        MlflowRunTracker tracker = new MlflowRunTracker(mlflow);
        String runId = tracker.findRunId(experiment, result.runId()).orElseThrow();
        List<PromptVersion> lineage = new ArrayList<>(List.of(seed));
        lineage.addAll(result.optimizedPrompts());
        // The run itself links the seed version and the registered one (TrackedRun.linkPrompts).

        JsonNode py = JSON.readTree(server.python("""
                import json, mlflow
                from mlflow import MlflowClient
                c = MlflowClient()
                runs = mlflow.search_runs(experiment_names=["%s"], output_format="list")
                r = runs[0]
                def walk(path=None):
                    out = []
                    for f in c.list_artifacts(r.info.run_id, path):
                        out += walk(f.path) if f.is_dir else [f.path]
                    return out
                print(json.dumps({"runs": len(runs), "name": r.info.run_name, "status": r.info.status,
                    "params": r.data.params, "metrics": r.data.metrics, "tags": r.data.tags,
                    "eval_score": [[m.step, m.value] for m in c.get_metric_history(r.info.run_id, "eval_score")],
                    "artifacts": sorted(walk()),
                    "candidate": mlflow.artifacts.load_text(r.info.artifact_uri + "/prompt_candidates/iteration_2/%s.txt"),
                    "registered": mlflow.genai.load_prompt("prompts:/%s/2").template}))
                """.formatted(experiment, prompt, prompt)).lines().reduce((a, b) -> b).orElseThrow());

        assertThat(py.path("runs").asInt()).isEqualTo(1);
        assertThat(py.path("name").asText()).isEqualTo(result.runId());
        assertThat(py.path("status").asText()).isEqualTo("FINISHED");
        assertThat(py.path("params").path("optimizer").asText()).isEqualTo("hill-climb");
        assertThat(py.path("params").path("num_prompts").asText()).isEqualTo("1");
        assertThat(py.path("params").path("num_training_samples").asText()).isEqualTo("5");
        assertThat(py.path("metrics").path("initial_eval_score").asDouble()).isEqualTo(0.0);
        assertThat(py.path("metrics").path("final_eval_score").asDouble()).isEqualTo(1.0);
        assertThat(py.path("metrics").path("final_eval_score.exact_match").asDouble()).isEqualTo(1.0);
        assertThat(py.path("tags").path("promptopt.prompt_optimization").asText()).isEqualTo("true");
        assertThat(py.path("tags").path("mlflow.linkedPrompts").asText()).isEqualTo(LinkedPrompts.of(lineage));
        // one step per candidate scored on the validation set: the seed, "Be polite." and "Answer with one word."
        assertThat(py.path("eval_score").toString()).isEqualTo("[[0,0.0],[1,0.0],[2,1.0]]");
        assertThat(py.path("artifacts").toString()).contains("result.json", "eval_results/baseline.json",
                "eval_results/final.json", "prompt_candidates/iteration_0/" + prompt + ".txt",
                "prompt_candidates/iteration_1/" + prompt + ".txt", "prompt_candidates/iteration_2/" + prompt + ".txt",
                "prompt_candidates/iteration_2/eval_results.json", "prompt_candidates/iteration_2/scores.json");
        assertThat(py.path("candidate").asText()).endsWith("Answer with one word.");
        assertThat(py.path("registered").asText()).isEqualTo(py.path("candidate").asText());
    }

    @Test
    void aServerOutageMidRunFailsClearlyKeepsTheCheckpointAndTheRunResumesWhenTheServerIsBack(@TempDir Path dir)
            throws Exception {
        MlflowServer own = MlflowServer.start();
        MlflowConnection mlflow = MlflowConnection.builder(own.uri()).maxAttempts(2)
                .initialBackoff(Duration.ofMillis(50)).build();
        String prompt = unique("sentiment");
        String experiment = unique("outage");
        MlflowServer restarted = null;
        try {
            PromptVersion seed = new MlflowPromptRegistry(mlflow).register(prompt, "Classify.\nText: {{text}}");
            AtomicInteger calls = new AtomicInteger();
            PredictFn predict = (inputs, prompts) -> {
                if (calls.incrementAndGet() == 8) {
                    own.stop(); // the server dies while the optimizer is evaluating its first candidate
                }
                return TARGET.chat(prompts.get(prompt).format(inputs)).text().toLowerCase();
            };

            assertThatThrownBy(() -> optimization(mlflow, seed, predict, experiment, dir).runId("outage-run").run())
                    .isInstanceOf(MlflowException.class)
                    .hasMessageContaining("cannot reach MLflow at " + own.uri() + ": connection refused")
                    .satisfies(e -> assertThat(((MlflowException) e).retriable()).isTrue());
            assertThat(dir.resolve("outage-run/checkpoint.json")).exists();
            int callsBeforeOutageEnded = calls.get();
            assertThat(callsBeforeOutageEnded).isEqualTo(15);

            restarted = MlflowServer.start(own.dataDir(), own.port());
            OptimizationResult resumed = optimization(mlflow, seed, predict, experiment, dir).resume("outage-run").run();

            assertThat(calls.get()).as("no model call is repeated on resume").isEqualTo(callsBeforeOutageEnded);
            assertThat(resumed.finalScore()).isEqualTo(1.0);
            assertThat(resumed.optimizedPrompts()).extracting(PromptVersion::uri).containsExactly("prompts:/" + prompt + "/2");
            MlflowRunTracker tracker = new MlflowRunTracker(mlflow);
            String runId = tracker.findRunId(experiment, "outage-run").orElseThrow();
            JsonNode run = tracker.getRun(runId);
            assertThat(run.path("info").path("status").asText()).isEqualTo("FINISHED");
            assertThat(tracker.metricHistory(runId, "final_eval_score").get(0).path("value").asDouble()).isEqualTo(1.0);
            // Points queued while the server was down were never acknowledged: the resumed run sent them, and only them.
            List<Long> steps = new ArrayList<>();
            tracker.metricHistory(runId, "eval_score").forEach(m -> steps.add(m.path("step").asLong()));
            assertThat(steps).containsExactlyInAnyOrder(0L, 1L, 2L);
            assertThat(new String(tracker.attach(runId).readArtifact("result.json"), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("outage-run");
            String count = server.python("import mlflow; print(len(mlflow.search_runs(experiment_names=['%s'], output_format='list')))"
                    .formatted(experiment), Map.of("MLFLOW_TRACKING_URI", restarted.uri())).strip();
            assertThat(count).as("the resumed optimization continued its MLflow run").endsWith("1");
            assertThat(Files.exists(dir.resolve("outage-run/result.json"))).isTrue();
        } finally {
            own.stop();
            if (restarted != null) {
                restarted.stop();
            }
        }
    }
}
