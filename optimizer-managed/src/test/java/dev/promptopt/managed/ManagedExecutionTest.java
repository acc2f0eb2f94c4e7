package dev.promptopt.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedExecutionTest {
    @TempDir
    Path dir;

    @Test
    void aFullExecutionOverLocalStoresRegistersOnePromptPerTargetAndWritesSapResults() throws Exception {
        ManagedFixture f = ManagedFixture.in(dir);
        OptimizationConfig config = OptimizationConfig.load(f.write(f.config()));
        List<ExecutionStatus> statuses = new ArrayList<>();
        Executions executions = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work"))
                .stateListener(s -> {
                    if (statuses.isEmpty() || statuses.get(statuses.size() - 1) != s.status()) {
                        statuses.add(s.status());
                    }
                }).build();

        Execution e = executions.create(config, "exec-local");
        ExecutionState end = e.run();

        assertThat(end.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(statuses).containsExactly(ExecutionStatus.PENDING, ExecutionStatus.RUNNING, ExecutionStatus.COMPLETED);
        PromptRegistry registry = PromptRegistry.inDirectory(dir.resolve("prompts"));
        PromptVersion good = registry.load("prompts:/qa-good/1");
        PromptVersion bad = registry.load("prompts:/qa-bad/1");
        assertThat(good.template().messages().get(0).content()).isEqualTo("Repeat the text. Reply in UPPERCASE.");
        assertThat(bad.template().messages().get(0).content()).isEqualTo("Repeat the text. SHOUT.");
        assertThat(registry.versions("qa")).hasSize(1);

        JsonNode results = executions.results("exec-local");
        assertThat(Files.isRegularFile(dir.resolve("store/exec-local/result-data/results.json"))).isTrue();
        assertThat(results.path("origin_model").path("model_name").asText()).isEqualTo("scripted:/base");
        assertThat(results.path("origin_model").path("score").asDouble()).isEqualTo(0.0);
        JsonNode t0 = results.path("target_models").get(0);
        assertThat(t0.path("model_name").asText()).isEqualTo("scripted:/good");
        assertThat(t0.path("pre_optimization_score").asDouble()).isEqualTo(0.0);
        assertThat(t0.path("post_optimization_score").asDouble()).isEqualTo(1.0);
        assertThat(t0.path("system_prompt").asText()).isEqualTo("Repeat the text. Reply in UPPERCASE.");
        assertThat(t0.path("user_message_template").asText()).isEqualTo("Text: {{?text}}");
        assertThat(t0.path("user_message_template_fields").toString()).isEqualTo("[\"text\"]");
        assertThat(t0.path("registered_prompt").asText()).isEqualTo("prompts:/qa-good/1");
        assertThat(results.path("target_models").get(1).path("model_name").asText()).isEqualTo("scripted:/bad");
        assertThat(results.path("target_models").get(1).path("post_optimization_score").asDouble()).isEqualTo(1.0);

        ExecutionState stored = executions.status("exec-local");
        assertThat(stored.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(stored.targets()).extracting(ExecutionState.TargetProgress::registered)
                .containsExactly("prompts:/qa-good/1", "prompts:/qa-bad/1");
        assertThat(stored.targets()).allSatisfy(t -> assertThat(t.metricCallsUsed()).isPositive());
        assertThat(stored.origin().preScore()).isEqualTo(0.0);
    }

    @Test
    void aTargetThatCannotBeatTheBasePromptRegistersNothing() {
        ManagedFixture f = ManagedFixture.in(dir);
        ObjectNode c = f.config();
        c.putObject("optimizerOptions").put("hints", "Be brief.|Be kind.");
        c.remove("targetPromptMapping");
        OptimizationConfig config = OptimizationConfig.load(f.write(c));
        Executions executions = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work")).build();

        ExecutionState end = executions.create(config, "exec-none").run();

        assertThat(end.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(end.targets()).extracting(ExecutionState.TargetProgress::promptName)
                .containsExactly("qa-scripted-good", "qa-scripted-bad");
        assertThat(end.targets()).extracting(ExecutionState.TargetProgress::registered).containsOnlyNulls();
        assertThat(PromptRegistry.inDirectory(dir.resolve("prompts")).search("")).containsExactly("qa");
    }

    @Test
    void aCancelMarkerStopsTheExecutionAndResumeFinishesIt() {
        ManagedFixture f = ManagedFixture.in(dir);
        OptimizationConfig config = OptimizationConfig.load(f.write(f.config()));
        Executions executions = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work")).build();
        Execution e = executions.create(config, "exec-cancel");
        executions.cancel("exec-cancel");

        assertThat(e.run().status()).isEqualTo(ExecutionStatus.STOPPED);
        assertThat(executions.status("exec-cancel").status()).isEqualTo(ExecutionStatus.STOPPED);

        ExecutionState end = executions.resume("exec-cancel").run();
        assertThat(end.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(end.targets()).extracting(ExecutionState.TargetProgress::registered)
                .containsExactly("prompts:/qa-good/1", "prompts:/qa-bad/1");
    }

    @Test
    void anExecutionResumesOnAnotherMachineFromTheStoreAlone() {
        ManagedFixture f = ManagedFixture.in(dir);
        OptimizationConfig config = OptimizationConfig.load(f.write(f.config()));
        Executions first = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work-a")).build();
        Execution e = first.create(config, "exec-moved");
        first.cancel("exec-moved");
        assertThat(e.run().status()).isEqualTo(ExecutionStatus.STOPPED);

        // A fresh work folder: everything the resume needs must come from the default store.
        Executions second = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work-b")).build();
        ExecutionState end = second.resume("exec-moved").run();
        assertThat(end.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(end.targets()).extracting(ExecutionState.TargetProgress::registered)
                .containsExactly("prompts:/qa-good/1", "prompts:/qa-bad/1");
    }

    @Test
    void fewShotExamplesAreAppendedToTheRegisteredUserMessage() {
        ManagedFixture f = ManagedFixture.in(dir);
        ObjectNode c = f.config();
        c.put("includeFewShotExamples", true);
        c.put("fewShotExamples", 2);
        OptimizationConfig config = OptimizationConfig.load(f.write(c));
        Executions executions = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work")).build();

        executions.create(config, "exec-fewshot").run();

        PromptVersion good = PromptRegistry.inDirectory(dir.resolve("prompts")).load("prompts:/qa-good/1");
        String user = good.template().messages().get(1).content();
        assertThat(user).startsWith("Text: {{?text}}\n\nExamples:\nInput: {\"text\":");
        assertThat(user.split("\nInput: ")).hasSize(3);
        assertThat(good.template().variables()).containsExactly("text");
    }

    @Test
    void aDollarBudgetStopsATargetBeforeItsPricedCallsPassTheLimit() {
        ManagedFixture f = ManagedFixture.in(dir);
        ObjectNode c = f.config();
        // 2 tokens a call at $50,000 per 1M tokens: $0.10 a call for scripted:/good; scripted:/bad stays free.
        ObjectNode budget = c.putObject("budget").put("maxMetricCalls", 100).put("maxCostUsd", 1.0);
        budget.putObject("prices").putObject("scripted:/good").put("input", 50_000).put("output", 50_000);
        OptimizationConfig config = OptimizationConfig.load(f.write(c));
        Executions executions = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work")).build();

        ExecutionState end = executions.create(config, "exec-dollars").run();

        assertThat(end.status()).isEqualTo(ExecutionStatus.COMPLETED);
        ExecutionState.TargetProgress good = end.targets().get(0);
        // The seed's 6 validation calls cost $0.60; the next batch of 6 would reach $1.20, so it never starts.
        assertThat(good.metricCallsUsed()).isEqualTo(6);
        assertThat(good.registered()).isNull();
        assertThat(end.targets().get(1).registered()).isEqualTo("prompts:/qa-bad/1");
    }

    @Test
    void badPricesAreRejectedNamingTheModel() {
        ManagedFixture f = ManagedFixture.in(dir);
        ObjectNode c = f.config();
        c.putObject("budget").put("maxCostUsd", 1.0).putObject("prices").putObject("scripted:/good").put("input", -1);
        assertThatThrownBy(() -> OptimizationConfig.load(f.write(c)))
                .isInstanceOf(dev.promptopt.InvalidInputException.class)
                .hasMessageContaining("budget.prices.scripted:/good: expected {\"input\": <USD per 1M tokens >= 0>");
    }
}
