package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.OptimizationResult;
import dev.promptopt.OptimizerStats;
import dev.promptopt.PromptRegistry;
import dev.promptopt.RunStats;
import dev.promptopt.RunUsage;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The result's facts are records read without casts, and result.json is written from them. */
class TypedResultTest {
    @TempDir
    Path dir;

    private OptimizationResult run() {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify.\nText: {{text}}");
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> QuickStartTest.TARGET.chat(prompts.get("sentiment").format(inputs)).text())
                .trainData(Dataset.of("train", List.of(Example.of("a", Map.of("text", "I love it"), "positive"),
                        Example.of("b", Map.of("text", "I hate it"), "negative"))))
                .scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Be polite.", "Answer with one word.")))
                .budget(Budget.metricCalls(50)).runDirectory(dir).run();
    }

    /** Another optimizer's facts, which this run does not carry. */
    record OtherStats(int n) implements OptimizerStats {
    }

    @Test
    void theOptimizersOwnFactsAreReadAsTheirRecord() {
        OptimizationResult r = run();
        assertThat(r.optimizerStats(HillClimbOptimizer.Stats.class)).contains(new HillClimbOptimizer.Stats(2));
        assertThat(r.optimizerStats(OtherStats.class)).as("another optimizer's type").isEmpty();
        assertThat(r.optimizerStats(OptimizerStats.None.class)).isEmpty();
    }

    @Test
    void aRunWithoutFailuresMeterOrCostSourceSaysSo() {
        OptimizationResult r = run();
        assertThat(r.stats()).isEqualTo(RunStats.none());
        assertThat(r.usage()).isEqualTo(RunUsage.none());
        assertThat(r.usage().costUsd()).isEmpty();
    }

    @Test
    void resultJsonIsWrittenFromTheRecords() throws Exception {
        OptimizationResult r = run();
        JsonNode json = new ObjectMapper().readTree(dir.resolve(r.runId()).resolve("result.json").toFile());
        assertThat(json.has("details")).isFalse();
        assertThat(json.path("optimizerStats").path("hints").asInt()).isEqualTo(2);
        assertThat(json.path("stats").path("failedCalls").asLong()).isZero();
        assertThat(json.path("stats").path("failedFinalExamples").isArray()).isTrue();
        assertThat(json.path("usage").path("roles").isObject()).isTrue();
        assertThat(json.path("usage").path("totalCostUsd").isNull()).isTrue();
    }
}
