package dev.promptopt.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptVersion;
import dev.promptopt.Scorer;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.testing.ScriptedModel;
import dev.promptopt.gepa.Gepa;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GEPA optimization end to end on MLflow: the seed prompt comes from the MLflow registry, the run is tracked
 * in MLflow, the optimized prompt is registered there, and MLflow's Python client sees all of it. The models are
 * scripted: words of four categories need a rule each ({@code RULE: fruit}); the target applies only the rules
 * its prompt states, the judge names the missing rule, and the reflection model adds the rules it reads.
 */
@ExtendWith(MlflowServerExtension.class)
class MlflowGepaRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RULE = Pattern.compile("RULE: (\\w+)");
    private static final Map<String, String> CATEGORY = new LinkedHashMap<>();
    private static final Map<String, Function<String, String>> TRANSFORM = Map.of(
            "fruit", String::toUpperCase,
            "animal", w -> new StringBuilder(w).reverse().toString(),
            "color", w -> w + "!",
            "city", w -> "city:" + w);
    private static MlflowServer server;

    static {
        List.of("apple", "banana", "cherry", "grape").forEach(w -> CATEGORY.put(w, "fruit"));
        List.of("tiger", "horse", "zebra", "camel").forEach(w -> CATEGORY.put(w, "animal"));
        List.of("red", "blue", "green", "amber").forEach(w -> CATEGORY.put(w, "color"));
        List.of("paris", "tokyo", "rome", "cairo").forEach(w -> CATEGORY.put(w, "city"));
    }

    @BeforeAll
    static void server(MlflowServer s) {
        server = s;
    }

    private static Set<String> rules(String text) {
        Set<String> rules = new LinkedHashSet<>();
        Matcher m = RULE.matcher(text);
        while (m.find()) {
            rules.add(m.group(1));
        }
        return rules;
    }

    private static Dataset data(String name, List<String> words) {
        List<Example> examples = new ArrayList<>();
        for (String w : words) {
            examples.add(Example.of(name + "-" + w, Map.of("word", w), TRANSFORM.get(CATEGORY.get(w)).apply(w)));
        }
        return Dataset.of(name, examples);
    }

    static final LanguageModel TARGET = ScriptedModel.answering(prompt -> {
        Matcher m = Pattern.compile("Word: (\\w+)").matcher(prompt);
        String word = m.find() ? m.group(1) : "?";
        String category = CATEGORY.get(word);
        return category != null && rules(prompt).contains(category) ? TRANSFORM.get(category).apply(word) : word;
    });

    /** Keeps the instruction of the first fenced block and adds one rule named in the feedback. */
    static final LanguageModel REFLECTOR = ScriptedModel.answering(prompt -> {
        int start = prompt.indexOf("```\n") + 4;
        int end = prompt.indexOf("\n```", start);
        String current = prompt.substring(start, end);
        Set<String> keep = rules(current);
        for (String rule : rules(prompt.substring(end))) {
            if (keep.add(rule)) {
                break;
            }
        }
        StringBuilder sb = new StringBuilder(current.replaceAll("\nRULE: \\w+", ""));
        keep.forEach(r -> sb.append("\nRULE: ").append(r));
        return "Here is the improved instruction:\n```text\n" + sb + "\n```\n";
    });

    static final Scorer JUDGE = Scorer.of("rule_judge", (example, output) -> {
        String want = String.valueOf(example.outputs());
        if (want.equals(String.valueOf(output))) {
            return Feedback.pass("correct");
        }
        String category = CATEGORY.get(String.valueOf(example.inputs().get("word")));
        return Feedback.fail("expected '" + want + "' but got '" + output + "': a " + category + " word needs RULE: " + category);
    });

    @Test
    void aGepaRunOnMlflowRegistersTheOptimizedPromptAndLogsEveryCandidate(@TempDir Path dir) throws Exception {
        MlflowConnection mlflow = server.connection();
        String prompt = "words-" + UUID.randomUUID().toString().substring(0, 8);
        String experiment = "gepa-" + prompt;
        MlflowPromptRegistry registry = new MlflowPromptRegistry(mlflow);
        PromptVersion seed = registry.register(prompt, "Answer with the word, transformed as the rules say.\nWord: {{word}}");
        PredictFn predict = (inputs, prompts) -> TARGET.chat(prompts.get(prompt).format(inputs)).text();

        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry)
                .prompts(seed.uri())
                .predictFn(predict)
                .trainData(data("train", List.of("apple", "tiger", "red", "paris", "banana", "horse", "blue", "tokyo")))
                .validationData(data("val", List.of("grape", "camel", "amber", "cairo", "cherry", "zebra", "green", "rome")))
                .scorers(JUDGE)
                .optimizer(new Gepa(Gepa.options().reflectionModel(REFLECTOR).maxMetricCalls(300)))
                .maxConcurrency(4)
                .randomSeed(42)
                .runDirectory(dir)
                .tracker(new MlflowRunTracker(mlflow))
                .experiment(experiment)
                .run();

        assertThat(result.optimizer()).isEqualTo("gepa");
        assertThat(result.initialScore()).isEqualTo(0.0);
        assertThat(result.finalScore()).isEqualTo(1.0);
        assertThat(result.optimizedPrompts()).extracting(PromptVersion::uri).containsExactly("prompts:/" + prompt + "/2");
        int candidates = result.candidates().size();
        assertThat(candidates).isGreaterThanOrEqualTo(5); // the seed and at least one accepted candidate per rule

        JsonNode py = JSON.readTree(server.python("""
                import json, mlflow
                from mlflow import MlflowClient
                c = MlflowClient()
                r = mlflow.search_runs(experiment_names=["%s"], output_format="list")[0]
                iterations = [f.path for f in c.list_artifacts(r.info.run_id, "prompt_candidates")]
                print(json.dumps({"status": r.info.status, "params": r.data.params, "metrics": r.data.metrics,
                    "steps": [m.step for m in c.get_metric_history(r.info.run_id, "eval_score")],
                    "iterations": iterations,
                    "registered": mlflow.genai.load_prompt("prompts:/%s/2").template,
                    "commit": mlflow.genai.load_prompt("prompts:/%s/2").commit_message}))
                """.formatted(experiment, prompt, prompt)).lines().reduce((a, b) -> b).orElseThrow());

        assertThat(py.path("status").asText()).isEqualTo("FINISHED");
        assertThat(py.path("params").path("optimizer").asText()).isEqualTo("gepa");
        assertThat(py.path("params").path("num_training_samples").asText()).isEqualTo("8");
        assertThat(py.path("metrics").path("initial_eval_score").asDouble()).isEqualTo(0.0);
        assertThat(py.path("metrics").path("final_eval_score.rule_judge").asDouble()).isEqualTo(1.0);
        assertThat(py.path("steps")).hasSize(candidates);
        assertThat(py.path("iterations")).hasSize(candidates);
        assertThat(rules(py.path("registered").asText())).containsExactlyInAnyOrder("fruit", "animal", "color", "city");
        assertThat(py.path("commit").asText()).contains("gepa");
    }
}
