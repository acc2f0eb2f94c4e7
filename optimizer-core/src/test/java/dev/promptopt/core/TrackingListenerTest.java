package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.RunTracker;
import dev.promptopt.core.local.LocalRun;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resumed run keeps each candidate's step and logs each (metric, step) once. */
class TrackingListenerTest {

    private static PromptOptimizer.Builder run(PromptRegistry registry, Path dir, int crashAfterStep) {
        PredictFn predict = (inputs, prompts) ->
                CandidatePromptsTest.TARGET.chat(prompts.get("sentiment").format(inputs)).text();
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1").predictFn(predict)
                .trainData(CandidatePromptsTest.TRAIN).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Be polite.", "Answer with one word."), crashAfterStep))
                .budget(Budget.metricCalls(100)).maxConcurrency(1).runDirectory(dir.resolve("runs"))
                .tracker(RunTracker.inDirectory(dir.resolve("mlruns"))).experiment("resume");
    }

    @Test
    void aResumedRunLogsTheStepsOfTheKilledOneOnceAndContinuesTheirNumbering(@TempDir Path dir) {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify the sentiment.\nText: {{text}}");
        assertThatThrownBy(() -> run(registry, dir, 0).runId("r").run()).hasMessageContaining("simulated crash");

        OptimizationResult resumed = run(registry, dir, -1).resume("r").run();

        String trackedId = resumed.optimizedPrompts().get(0).tags().get("promptopt.run_id");
        LocalRun second = LocalRun.read(dir.resolve("mlruns").resolve("resume").resolve(trackedId));
        assertThat(second.metrics("eval_score")).extracting(LocalRun.Metric::step).containsExactly(0L, 1L, 2L);
        assertThat(second.metrics("eval_score")).extracting(LocalRun.Metric::value).containsExactly(0.0, 0.0, 1.0);
        assertThat(second.metrics("metric_calls")).extracting(LocalRun.Metric::step).doesNotHaveDuplicates();
        assertThat(new String(second.artifact("prompt_candidates/iteration_1/sentiment.txt"))).endsWith("Be polite.");
    }
}
