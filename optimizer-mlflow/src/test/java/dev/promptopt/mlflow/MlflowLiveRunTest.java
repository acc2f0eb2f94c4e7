package dev.promptopt.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.InvalidInputException;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptVersion;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An optimization as an MLflow user sees it with MLflow's Python client: live metrics, what {@code optimize_prompts}
 * logs, linked traces, prompts in their experiment, a resume without duplicates, MLflow-shaped datasets, and an
 * application that loads its own prompt.
 */
@ExtendWith(MlflowServerExtension.class)
class MlflowLiveRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static MlflowServer server;

    @BeforeAll
    static void server(MlflowServer s) {
        server = s;
    }

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonNode lastJsonLine(String out) throws Exception {
        return JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    private static PromptOptimizer.Builder optimization(MlflowConnection mlflow, String seedUri, String prompt,
                                                        PredictFn predict, Dataset train, String experiment, Path runs) {
        return optimization(mlflow, seedUri, predict, train, experiment, runs,
                new HillClimbOptimizer(prompt, List.of("Be polite.", "Answer with one word.")));
    }

    private static PromptOptimizer.Builder optimization(MlflowConnection mlflow, String seedUri, PredictFn predict,
                                                        Dataset train, String experiment, Path runs,
                                                        HillClimbOptimizer optimizer) {
        return PromptOptimizer.builder()
                .registry(new MlflowPromptRegistry(mlflow))
                .prompts(seedUri)
                .predictFn(predict)
                .trainData(train)
                .scorers(Scorers.exactMatch())
                .optimizer(optimizer)
                .budget(Budget.metricCalls(100))
                .maxConcurrency(1)
                .runDirectory(runs)
                .tracker(new MlflowRunTracker(mlflow))
                .experiment(experiment);
    }

    /** Waits (bounded) until the run's eval_score history has {@code n} points; prints what it saw. */
    private static String poller(String experiment, int n) {
        return """
                import json, time, mlflow
                from mlflow import MlflowClient
                c = MlflowClient()
                deadline = time.time() + 60
                while True:
                    runs = mlflow.search_runs(experiment_names=["%s"], output_format="list")
                    points = c.get_metric_history(runs[0].info.run_id, "eval_score") if runs else []
                    if len(points) >= %d or time.time() > deadline:
                        break
                    time.sleep(0.2)
                print(json.dumps({"points": len(points), "status": runs[0].info.status if runs else None}))
                """.formatted(experiment, n);
    }

    @Test
    void aPythonPollerSeesTheRunGrowAndTheRunHoldsWhatOptimizePromptsLogs(@TempDir Path dir) throws Exception {
        MlflowConnection mlflow = server.connection();
        String prompt = unique("support");
        String experiment = unique("live");
        server.python("""
                import mlflow
                mlflow.genai.register_prompt(name="%s",
                    template="Classify the sentiment. Answer 'positive' or 'negative' or 'neutral'.\\nText: {{text}}",
                    model_config={"temperature": 0.1, "max_tokens": 5})
                """.formatted(prompt));
        CountDownLatch atSecond = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        CountDownLatch atThird = new CountDownLatch(1);
        CountDownLatch goOnAgain = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        PredictFn predict = (inputs, prompts) -> {
            int n = calls.incrementAndGet();
            if (n == 6) { // the first call of the second candidate: the seed has been scored
                atSecond.countDown();
                goOn.await();
            } else if (n == 11) { // the first call of the third candidate
                atThird.countDown();
                goOnAgain.await();
            }
            return MlflowOptimizationRunTest.TARGET.chat(prompts.get(prompt).format(inputs)).text().toLowerCase();
        };

        CompletableFuture<OptimizationResult> running = CompletableFuture.supplyAsync(() -> optimization(mlflow,
                "prompts:/" + prompt + "/1", prompt, predict, MlflowOptimizationRunTest.TRAIN, experiment, dir)
                .tracePredictions(true).run());
        try {
            assertThat(atSecond.await(120, TimeUnit.SECONDS)).isTrue();
            JsonNode first = lastJsonLine(server.python(poller(experiment, 1)));
            goOn.countDown();
            assertThat(atThird.await(120, TimeUnit.SECONDS)).isTrue();
            JsonNode second = lastJsonLine(server.python(poller(experiment, 2)));
            assertThat(first.path("status").asText()).isEqualTo("RUNNING");
            assertThat(first.path("points").asInt()).isEqualTo(1);
            assertThat(second.path("status").asText()).isEqualTo("RUNNING");
            assertThat(second.path("points").asInt()).isEqualTo(2);
        } finally {
            goOn.countDown();
            goOnAgain.countDown();
        }
        OptimizationResult result = running.get(120, TimeUnit.SECONDS);
        assertThat(result.finalScore()).isEqualTo(1.0);

        JsonNode py = lastJsonLine(server.python("""
                import json, mlflow
                from mlflow import MlflowClient
                c = MlflowClient()
                mlflow.set_experiment("%1$s")
                exp = mlflow.get_experiment_by_name("%1$s")
                r = mlflow.search_runs(experiment_names=["%1$s"], output_format="list")[0]
                t = mlflow.load_table("prompt_candidates/iteration_2/eval_results.json", run_ids=[r.info.run_id])
                inputs = [{"name": d.dataset.name, "source": d.dataset.source,
                           "context": {x.key: x.value for x in d.tags}.get("mlflow.data.context")}
                          for d in r.inputs.dataset_inputs]
                by_run = mlflow.search_traces(run_id=r.info.run_id, return_type="list")
                by_prompt = mlflow.search_traces(experiment_ids=[exp.experiment_id],
                    filter_string='prompt = "%2$s/1"', return_type="list")
                listed = [p.name for p in mlflow.genai.search_prompts(filter_string=f"experiment_id = '{exp.experiment_id}'")]
                v2 = mlflow.genai.load_prompt("prompts:/%2$s/2")
                scores = json.loads(mlflow.artifacts.load_text(r.info.artifact_uri + "/prompt_candidates/iteration_2/scores.json"))
                print(json.dumps({"run_id": r.info.run_id, "tags": r.data.tags,
                    "eval_score": [[m.step, m.value] for m in c.get_metric_history(r.info.run_id, "eval_score")],
                    "per_scorer": [[m.step, m.value] for m in c.get_metric_history(r.info.run_id, "eval_score.exact_match")],
                    "best": [m.value for m in c.get_metric_history(r.info.run_id, "best_eval_score")],
                    "table_columns": list(t.columns), "table_rows": len(t), "table_scores": [float(x) for x in t["aggregate_score"]],
                    "inputs": inputs, "traces_by_run": len(by_run), "traces_by_prompt": len(by_prompt),
                    "listed": listed, "model_config": v2.model_config, "version_tags": v2.tags, "scores": scores}))
                """.formatted(experiment, prompt)));

        // 1. live: each candidate is a step, logged while the run went (the poller saw 1, then 2 points)
        assertThat(py.path("eval_score").toString()).isEqualTo("[[0,0.0],[1,0.0],[2,1.0]]");
        assertThat(py.path("per_scorer").toString()).isEqualTo("[[0,0.0],[1,0.0],[2,1.0]]");
        assertThat(py.path("best").toString()).isEqualTo("[0.0,0.0,1.0]");
        // 2. what optimize_prompts logs
        assertThat(py.path("table_columns").toString())
                .isEqualTo("[\"inputs\",\"output\",\"expectation\",\"aggregate_score\",\"exact_match\"]");
        assertThat(py.path("table_rows").asInt()).isEqualTo(5);
        List<Double> tableScores = new java.util.ArrayList<>();
        py.path("table_scores").forEach(v -> tableScores.add(v.asDouble())); // pandas may read 1.0 back as 1
        assertThat(tableScores).containsExactly(1.0, 1.0, 1.0, 1.0, 1.0);
        assertThat(py.path("scores").path("aggregate").asDouble()).isEqualTo(1.0);
        assertThat(py.path("inputs").toString()).isEqualTo("[{\"name\":\"sentiment\",\"source\":"
                + "\"{\\\"uri\\\":\\\"prompt_optimization_train_data\\\"}\",\"context\":\"training\"}]");
        assertThat(py.path("tags").path("mlflow.user").asText()).isEqualTo(System.getProperty("user.name"));
        assertThat(py.path("tags").path("mlflow.source.type").asText()).isEqualTo("LOCAL");
        assertThat(py.path("tags").path("mlflow.source.name").asText()).isNotBlank();
        assertThat(py.path("tags").path("mlflow.loggedArtifacts").asText()).contains(
                "{\"path\": \"prompt_candidates/iteration_0/eval_results.json\", \"type\": \"table\"}");
        assertThat(py.path("version_tags").path("promptopt.run_id").asText()).isEqualTo(py.path("run_id").asText());
        assertThat(py.path("version_tags").path("promptopt.run_name").asText()).isEqualTo(result.runId());
        // 3. traces: one per prediction (tracePredictions), attached to the run; the seed's to its version
        assertThat(py.path("traces_by_run").asInt()).isEqualTo(calls.get());
        assertThat(py.path("traces_by_prompt").asInt()).isEqualTo(5);
        // 4. the prompt is in the experiment's Prompts tab; model_config came along to version 2
        assertThat(py.path("listed").toString()).contains(prompt);
        assertThat(py.path("model_config").path("temperature").asDouble()).isEqualTo(0.1);
        assertThat(py.path("model_config").path("max_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void aRunKilledAndResumedHasNoDuplicatedMetricPoints(@TempDir Path dir) throws Exception {
        MlflowConnection mlflow = server.connection();
        String prompt = unique("sentiment");
        String experiment = unique("resume");
        PromptVersion seed = new MlflowPromptRegistry(mlflow).register(prompt,
                "Classify the sentiment. Answer 'positive' or 'negative' or 'neutral'.\nText: {{text}}");
        PredictFn predict = (inputs, prompts) ->
                MlflowOptimizationRunTest.TARGET.chat(prompts.get(prompt).format(inputs)).text().toLowerCase();
        PromptOptimizer.Builder crashing = optimization(mlflow, seed.uri(), predict, MlflowOptimizationRunTest.TRAIN,
                experiment, dir, new HillClimbOptimizer(prompt, List.of("Be polite.", "Answer with one word."), 0))
                .runId("killed");

        assertThatThrownBy(crashing::run).hasMessageContaining("simulated crash after step 0");
        MlflowRunTracker tracker = new MlflowRunTracker(mlflow);
        String runId = tracker.findRunId(experiment, "killed").orElseThrow();
        assertThat(tracker.metricHistory(runId, "eval_score")).hasSize(2); // the seed and the candidate scored before the kill

        OptimizationResult resumed = optimization(mlflow, seed.uri(), prompt, predict, MlflowOptimizationRunTest.TRAIN,
                experiment, dir).resume("killed").run();

        assertThat(resumed.finalScore()).isEqualTo(1.0);
        JsonNode py = lastJsonLine(server.python("""
                import json, mlflow
                from mlflow import MlflowClient
                c = MlflowClient()
                runs = mlflow.search_runs(experiment_names=["%s"], output_format="list")
                r = runs[0]
                hist = {k: [[m.step, m.value] for m in c.get_metric_history(r.info.run_id, k)] for k in r.data.metrics}
                print(json.dumps({"runs": len(runs), "status": r.info.status, "history": hist}))
                """.formatted(experiment)));
        assertThat(py.path("runs").asInt()).isEqualTo(1);
        assertThat(py.path("status").asText()).isEqualTo("FINISHED");
        assertThat(py.path("history").path("eval_score").toString()).isEqualTo("[[0,0.0],[1,0.0],[2,1.0]]");
        py.path("history").fields().forEachRemaining(e -> {
            List<Long> steps = new java.util.ArrayList<>();
            e.getValue().forEach(p -> steps.add(p.get(0).asLong()));
            assertThat(steps).as("steps of " + e.getKey()).doesNotHaveDuplicates();
        });
    }

    @Test
    void anExpectationOnlyDatasetMadeInPythonReachesTheSameScoreAsTheSameDataWithOutputs(@TempDir Path dir) throws Exception {
        MlflowConnection mlflow = server.connection();
        String prompt = unique("sentiment");
        String experiment = unique("expectations");
        PromptVersion seed = new MlflowPromptRegistry(mlflow).register(prompt,
                "Classify the sentiment. Answer 'positive' or 'negative' or 'neutral'.\nText: {{text}}");
        StringBuilder records = new StringBuilder();
        MlflowOptimizationRunTest.TRAIN.forEach(e -> records.append("{\"inputs\": {\"text\": \"")
                .append(e.inputs().get("text")).append("\"}, \"expectations\": {\"expected_response\": \"")
                .append(e.outputs()).append("\"}},"));
        String datasetId = lastJsonLine(server.python("""
                import json, mlflow
                from mlflow.genai.datasets import create_dataset
                exp = mlflow.set_experiment("%s")
                ds = create_dataset(name="%s", experiment_id=[exp.experiment_id])
                ds.merge_records([%s])
                print(json.dumps(ds.dataset_id))
                """.formatted(experiment, unique("expect-only"), records))).asText();
        Dataset expectationsOnly = new MlflowEvaluationDatasets(mlflow).read(datasetId);
        assertThat(expectationsOnly.examples()).hasSize(5).allMatch(e -> e.outputs() == null);
        PredictFn predict = (inputs, prompts) ->
                MlflowOptimizationRunTest.TARGET.chat(prompts.get(prompt).format(inputs)).text().toLowerCase();

        OptimizationResult fromPython = optimization(mlflow, seed.uri(), prompt, predict, expectationsOnly, experiment,
                dir.resolve("a")).registerOnlyIfImproved(false).run();
        OptimizationResult withOutputs = optimization(mlflow, seed.uri(), prompt, predict, MlflowOptimizationRunTest.TRAIN,
                experiment, dir.resolve("b")).registerOnlyIfImproved(false).run();

        assertThat(fromPython.finalScore()).isEqualTo(1.0).isEqualTo(withOutputs.finalScore());
        assertThat(fromPython.initialScore()).isEqualTo(withOutputs.initialScore());
    }

    @Test
    void anUnchangedPredictFunctionThatLoadsItsPromptFromMlflowIsOptimizedAndAnUnloadedPromptIsNamed(@TempDir Path dir) {
        MlflowConnection mlflow = server.connection();
        MlflowPromptRegistry registry = new MlflowPromptRegistry(mlflow);
        String prompt = unique("sentiment");
        String other = unique("tone");
        PromptVersion seed = registry.register(prompt,
                "Classify the sentiment. Answer 'positive' or 'negative' or 'neutral'.\nText: {{text}}");
        registry.setAlias(prompt, "production", seed.version());
        PromptVersion unused = registry.register(other, "Describe the tone of {{text}}");
        PredictFn application = (inputs, ignored) -> {   // the application's code, as it runs in production
            PromptVersion p = registry.load("prompts:/" + prompt + "@production");
            return MlflowOptimizationRunTest.TARGET.chat(p.template().format(inputs)).text().toLowerCase();
        };

        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry).prompts(seed.uri(), unused.uri()).predictFn(application)
                .trainData(MlflowOptimizationRunTest.TRAIN).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer(prompt, List.of("Be polite.", "Answer with one word.")))
                .budget(Budget.metricCalls(100)).maxConcurrency(4).runDirectory(dir).run();

        assertThat(result.initialScore()).isEqualTo(0.0);
        assertThat(result.finalScore()).isEqualTo(1.0);
        assertThat(result.stats().unloadedPrompts()).isEqualTo(List.of(other));
        assertThat(registry.load("prompts:/" + prompt + "@production").version()).isEqualTo(1);
    }

    @Test
    void aJinjaTemplateIsRefusedWithAClearErrorAndErrorTracesStayOutOfDatasetsUnlessAsked() throws Exception {
        MlflowConnection mlflow = server.connection();
        String prompt = unique("jinja");
        String experiment = unique("errors");
        server.python("""
                import mlflow
                mlflow.genai.register_prompt(name="%s", template="Hello.\\n{%% if vip %%}Dear {{ name }}{%% endif %%}")
                """.formatted(prompt));
        assertThatThrownBy(() -> new MlflowPromptRegistry(mlflow).load("prompts:/" + prompt + "/1"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("prompt '" + prompt + "' version 1")
                .hasMessageContaining("is a Jinja2 template (block '{% if vip %}' on line 2");

        PredictFn failing = MlflowTracing.wrap((inputs, prompts) -> {
            if (inputs.get("text").equals("boom")) {
                throw new IllegalStateException("model down");
            }
            return "ok";
        }, mlflow, experiment);
        failing.predict(Map.of("text", "fine"), null);
        assertThatThrownBy(() -> failing.predict(Map.of("text", "boom"), null)).hasMessage("model down");

        MlflowTraces traces = new MlflowTraces(mlflow);
        assertThat(traces.toDataset(experiment).examples()).extracting(e -> e.inputs().get("text")).containsExactly("fine");
        assertThat(traces.toDataset(experiment, true).examples())
                .filteredOn(e -> "ERROR".equals(e.tags().get("mlflow.trace.state")))
                .extracting(e -> e.inputs().get("text")).containsExactly("boom");
    }
}
