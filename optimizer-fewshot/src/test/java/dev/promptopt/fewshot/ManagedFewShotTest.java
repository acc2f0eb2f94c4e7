package dev.promptopt.fewshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.ChatMessage;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptVersion;
import dev.promptopt.managed.ExecutionState;
import dev.promptopt.managed.ExecutionStatus;
import dev.promptopt.managed.Executions;
import dev.promptopt.managed.OptimizationConfig;
import dev.promptopt.managed.ManagedFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Managed runs naming the few-shot optimizer, through the CLI, with results.json read back. */
class ManagedFewShotTest {
    @TempDir
    Path dir;

    private ObjectNode config(ManagedFixture f) {
        f.write("data/qa/train.json", sap("alpha", "beta", "gamma", "delta", "epsilon", "zeta"));
        f.write("data/qa/test.json", sap("eta", "theta", "iota", "kappa"));
        ObjectNode c = f.config();
        c.remove("dataset");
        c.remove("baseModel");
        c.put("trainDataset", "data:qa/train.json");
        c.put("testDataset", "data:qa/test.json");
        c.putArray("targetModels").add("demo:/follower");
        c.putArray("targetPromptMapping").add("demo:/follower=qa-follower");
        c.putObject("budget").put("maxMetricCalls", 100);
        return c;
    }

    private static String sap(String... words) {
        StringBuilder sb = new StringBuilder("[");
        for (String w : words) {
            sb.append(sb.length() > 1 ? "," : "").append("{\"fields\":{\"text\":\"").append(w).append("\"},\"answer\":\"")
                    .append(w.toUpperCase()).append("\"}");
        }
        return sb.append("]").toString();
    }

    private JsonNode runExecution(Path config, String id) throws Exception {
        OptimizationConfig c = OptimizationConfig.load(config);
        ExecutionState state = Executions.builder(c.buildStores()).workDirectory(dir.resolve("work")).build()
                .create(c, id).run();
        assertThat(state.status()).as(String.valueOf(state.error())).isEqualTo(ExecutionStatus.COMPLETED);
        Path results = dir.resolve("store").resolve(id).resolve("result-data/results.json");
        return new ObjectMapper().readTree(Files.readString(results));
    }

    @Test
    void fewshotThroughAnExecutionRegistersDemonstrationTurnsAndReportsTheGainInResultsJson() throws Exception {
        ManagedFixture f = ManagedFixture.in(dir);
        ObjectNode c = config(f);
        c.put("optimizer", "fewshot");
        c.putObject("optimizerOptions").put("maxDemos", "2").put("candidateSets", "4");
        JsonNode results = runExecution(f.write(c), "exec-fewshot");

        JsonNode target = results.get("target_models").get(0);
        assertThat(target.get("model_name").asText()).isEqualTo("demo:/follower");
        assertThat(target.get("pre_optimization_score").asDouble()).isEqualTo(0.0);
        assertThat(target.get("post_optimization_score").asDouble()).isEqualTo(1.0);
        PromptVersion v = PromptRegistry.inDirectory(dir.resolve("prompts")).load("prompts:/qa-follower/1");
        List<ChatMessage> m = v.template().messages();
        assertThat(m.get(0)).isEqualTo(ChatMessage.system("Repeat the text."));
        assertThat(m.get(m.size() - 1)).isEqualTo(ChatMessage.user("Text: {{?text}}"));
        assertThat(m).anyMatch(x -> x.role().equals("assistant") && x.content().equals(x.content().toUpperCase()));
        assertThat(m.size()).isBetween(4, 6); // system, 1-2 demonstration pairs, user
        assertThat(v.template().variables()).containsExactly("text");
    }

    @Test
    void includeFewShotExamplesAddsAFewShotStageAfterTheNamedOptimizers() throws Exception {
        ManagedFixture f = ManagedFixture.in(dir);
        ObjectNode c = config(f);
        c.putArray("optimizer").add("hill-climb");
        c.putObject("optimizerOptions").put("hill-climb.hints", "Be brief.");
        c.put("includeFewShotExamples", true);
        c.put("fewShotExamples", 1);
        JsonNode results = runExecution(f.write(c), "exec-list");

        assertThat(results.get("target_models").get(0).get("post_optimization_score").asDouble()).isEqualTo(1.0);
        List<ChatMessage> m = PromptRegistry.inDirectory(dir.resolve("prompts")).load("prompts:/qa-follower/1")
                .template().messages();
        // At most fewShotExamples demonstrations, chosen by the few-shot stage: one user/assistant pair, no appended block.
        assertThat(m).hasSize(4);
        assertThat(m.get(3).content()).isEqualTo("Text: {{?text}}");
    }
}
