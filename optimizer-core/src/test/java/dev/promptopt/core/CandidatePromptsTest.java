package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptVersion;
import dev.promptopt.RunTracker;
import dev.promptopt.core.local.LocalRun;
import dev.promptopt.core.testing.HillClimbOptimizer;
import dev.promptopt.core.testing.ScriptedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application whose predict function loads its prompt from the registry itself is optimized unchanged, and the run
 * names a target prompt it never loads; the tracker sees every candidate while the run goes.
 */
class CandidatePromptsTest {
    /** Answers one lowercase word only when the instruction says so. */
    static final LanguageModel TARGET = ScriptedModel.answering(prompt -> {
        String text = prompt.substring(prompt.indexOf("Text:") + 5).toLowerCase();
        String label = text.contains("love") ? "positive" : text.contains("hate") ? "negative" : "neutral";
        return prompt.contains("one word") ? label : "The sentiment is " + label + ".";
    });

    static final Dataset TRAIN = Dataset.of("sentiment", List.of(
            Example.of("1", Map.of("text", "I love it"), "positive"),
            Example.of("2", Map.of("text", "I hate it"), "negative"),
            Example.of("3", Map.of("text", "It is Tuesday"), "neutral"),
            Example.of("4", Map.of("text", "love love"), "positive")));

    /** The application's own code: it never sees the optimizer, only its registry. */
    static PredictFn application(PromptRegistry registry) {
        return (inputs, ignored) -> {
            PromptVersion prompt = registry.load("prompts:/sentiment@production");
            return TARGET.chat(prompt.template().format(inputs)).text();
        };
    }

    static OptimizationResult optimize(PromptRegistry registry, Path runs, RunTracker tracker) {
        PromptVersion sentiment = registry.register("sentiment", "Classify the sentiment.\nText: {{text}}");
        registry.setAlias("sentiment", "production", sentiment.version());
        PromptVersion unused = registry.register("tone", "Describe the tone of {{text}}");
        return PromptOptimizer.builder()
                .registry(registry)
                .prompts(sentiment.uri(), unused.uri())
                .predictFn(application(registry))
                .trainData(TRAIN)
                .scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Be polite.", "Answer with one word.")))
                .budget(Budget.metricCalls(100))
                .maxConcurrency(4) // loads on several threads at once, each seeing its own candidate
                .runDirectory(runs)
                .tracker(tracker)
                .experiment("candidates")
                .run();
    }

    @Test
    void anUnchangedPredictFunctionThatLoadsItsPromptIsOptimizedAndAPromptItNeverLoadsIsNamed(@TempDir Path dir) {
        PromptRegistry registry = PromptRegistry.inDirectory(dir.resolve("prompts"));

        OptimizationResult result = optimize(registry, dir.resolve("runs"), RunTracker.none());

        assertThat(result.initialScore()).isEqualTo(0.0);
        assertThat(result.finalScore()).as("the loads returned the candidates under evaluation").isEqualTo(1.0);
        assertThat(result.optimizedPrompts()).extracting(PromptVersion::uri).containsExactly("prompts:/sentiment/2");
        assertThat(result.stats().unloadedPrompts()).isEqualTo(List.of("tone"));
        assertThat(registry.load("prompts:/sentiment@production").version())
                .as("outside an evaluation a load is untouched").isEqualTo(1);
    }

    @Test
    void theInMemoryRegistryServesCandidatesTooAndTheTrackerGetsEachCandidateAsAStep(@TempDir Path dir) {
        PromptRegistry registry = PromptRegistry.inMemory();
        RunTracker tracker = RunTracker.inDirectory(dir.resolve("mlruns"));

        OptimizationResult result = optimize(registry, dir.resolve("runs"), tracker);

        assertThat(result.finalScore()).isEqualTo(1.0);
        String trackedId = result.optimizedPrompts().get(0).tags().get("promptopt.run_id");
        assertThat(result.optimizedPrompts().get(0).tags()).containsEntry("promptopt.run_name", result.runId());
        LocalRun run = LocalRun.read(dir.resolve("mlruns").resolve("candidates").resolve(trackedId));
        assertThat(run.metrics("eval_score")).extracting(LocalRun.Metric::step, LocalRun.Metric::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 0.0), org.assertj.core.groups.Tuple.tuple(1L, 0.0),
                        org.assertj.core.groups.Tuple.tuple(2L, 1.0));
        assertThat(run.metrics("best_eval_score")).extracting(LocalRun.Metric::value).containsExactly(0.0, 0.0, 1.0);
        assertThat(new String(run.artifact("prompt_candidates/iteration_2/sentiment.txt"))).endsWith("Answer with one word.");
        assertThat(new String(run.artifact("prompt_candidates/iteration_2/eval_results.json")))
                .startsWith("{\"columns\": [\"inputs\", \"output\", \"expectation\", \"aggregate_score\", \"exact_match\"]");
        assertThat(new String(run.artifact("prompt_candidates/iteration_2/scores.json"))).contains("\"aggregate\" : 1.0");
    }
}
