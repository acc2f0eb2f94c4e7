package dev.promptopt.fewshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptVersion;
import dev.promptopt.managed.OptimizerSequence;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.local.InMemoryPromptRegistry;
import dev.promptopt.core.testing.ScriptedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaPromptTest {
    static final String LOCKED = "Never reveal customer names.";
    static final String SEED = "Classify the sentiment. " + LOCKED + "\nText: {{text}}";

    static Dataset data(String name, int n) {
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Example.of(name + i, Map.of("text", (i % 2 == 0 ? "love " : "hate ") + name + i),
                    i % 2 == 0 ? "positive" : "negative"));
        }
        return Dataset.of(name, rows);
    }

    /** Answers a bare label only when its prompt says "one word"; otherwise a sentence. */
    static final PredictFn TARGET = (inputs, prompts) -> {
        String prompt = prompts.get("sentiment").format(inputs);
        String label = ((String) inputs.get("text")).startsWith("love") ? "positive" : "negative";
        return prompt.contains("one word") ? label : "I think it is " + label;
    };

    @Test
    void rewritesThatDropAVariableOrTouchALockedSectionAreRejectedBeforeAnyCallAndAGoodOneIsKept(@TempDir Path dir) {
        List<String> metaPrompts = new CopyOnWriteArrayList<>();
        AtomicInteger pass = new AtomicInteger();
        ScriptedModel rewriter = ScriptedModel.answering(prompt -> {
            metaPrompts.add(prompt);
            return switch (pass.incrementAndGet()) {
                case 1 -> "```\nClassify the sentiment. Answer in one word. " + LOCKED + "\n```";              // drops {{text}}
                case 2 -> "```\nClassify the sentiment in one word.\nText: {{text}}\n```";                    // drops the lock
                default -> "Here you go:\n```\nClassify the sentiment. " + LOCKED + " Answer in one word.\nText: {{text}}\n```";
            };
        });
        PromptRegistry registry = new InMemoryPromptRegistry();
        PromptVersion seed = registry.register("sentiment", SEED);
        List<OptimizationEvent> events = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        PredictFn counting = (inputs, prompts) -> {
            calls.incrementAndGet();
            return TARGET.predict(inputs, prompts);
        };
        OptimizationResult r = PromptOptimizer.builder().registry(registry).prompts(seed.uri()).predictFn(counting)
                .trainData(data("t", 6)).validationData(data("v", 4)).scorers(Scorers.exactMatch())
                .optimizer(new MetaPrompt(MetaPromptOptions.of(rewriter).passes(3).examples(2)))
                .lockedSection("sentiment", LOCKED)
                .budget(Budget.metricCalls(100)).runDirectory(dir).listener(events::add).run();

        assertThat(metaPrompts).hasSize(3);
        assertThat(metaPrompts.get(0)).contains("{{text}}", LOCKED, "expected: positive", "output: I think it is");
        List<String> rejected = events.stream().filter(e -> e instanceof OptimizationEvent.CandidateRejected)
                .map(e -> ((OptimizationEvent.CandidateRejected) e).reason()).toList();
        assertThat(rejected).anyMatch(reason -> reason.contains("drops variable 'text'"));
        assertThat(rejected).anyMatch(reason -> reason.contains("changes the locked section"));
        assertThat(r.initialScore()).isEqualTo(0.0);
        assertThat(r.finalScore()).isEqualTo(1.0);
        PromptVersion v = registry.load(r.optimizedPrompts().get(0).uri());
        assertThat(v.template().text()).contains(LOCKED, "one word").endsWith("Text: {{text}}");
        assertThat(v.template().variables()).containsExactly("text");
        // Baseline 4 + example sample per pass (4 train examples, cached after the first pass... per candidate)
        // + 4 for the one valid rewrite: the two rejected rewrites cost nothing.
        assertThat(r.metricCalls()).isEqualTo(calls.get());
        assertThat(events.stream().filter(e -> e instanceof OptimizationEvent.CandidateEvaluated c
                && c.phase().equals("validation")).count()).isEqualTo(1);
    }

    @Test
    void zeroShotSendsNoExamplesAndASequenceAddsDemonstrationsAfterTheRewrite(@TempDir Path dir) {
        List<String> metaPrompts = new CopyOnWriteArrayList<>();
        ScriptedModel rewriter = ScriptedModel.answering(prompt -> {
            metaPrompts.add(prompt);
            return "```\nClassify the sentiment. " + LOCKED + " Answer in one word.\nText: {{text}}\n```";
        });
        PromptRegistry registry = new InMemoryPromptRegistry();
        PromptVersion seed = registry.register("sentiment", SEED);
        // After the rewrite the target is right on "love"/"hate" texts; a demonstration adds nothing, so the
        // few-shot stage keeps the rewrite (ties go to fewer demonstrations, and the seed of the stage has none).
        OptimizationResult r = PromptOptimizer.builder().registry(registry).prompts(seed.uri()).predictFn(TARGET)
                .trainData(data("t", 6)).validationData(data("v", 4)).scorers(Scorers.exactMatch())
                .optimizer(OptimizerSequence.of(new MetaPrompt(MetaPromptOptions.of(rewriter).examples(0)),
                        new FewShot(FewShotOptions.ofDefaults().maxDemos(2).candidateSets(3))))
                .lockedSection("sentiment", LOCKED)
                .budget(Budget.metricCalls(100)).runDirectory(dir).run();
        assertThat(metaPrompts).hasSize(1);
        assertThat(metaPrompts.get(0)).doesNotContain("How the current prompt did");
        assertThat(r.optimizer()).isEqualTo("metaprompt+fewshot");
        assertThat(r.candidates()).extracting(c -> c.origin())
                .contains("seed", "metaprompt:metaprompt").anyMatch(o -> o.startsWith("fewshot:fewshot:"));
        assertThat(r.finalScore()).isEqualTo(1.0);
        assertThat(r.bestTemplates().get("sentiment").text()).contains("one word", LOCKED).doesNotContain("Answer: positive");
        assertThat(r.candidates().get(r.bestCandidate()).origin()).isEqualTo("metaprompt:metaprompt");
    }

    @Test
    void aSequenceStoppedInItsSecondStageResumesThereWithoutRepeatingACall(@TempDir Path dir) throws Exception {
        ScriptedModel rewriter = ScriptedModel.answering(prompt -> "```\nClassify the sentiment. " + LOCKED
                + "\nText: {{text}}\n```");
        PromptRegistry registry = new InMemoryPromptRegistry();
        PromptVersion seed = registry.register("sentiment", SEED);
        // Right only with a demonstration in the prompt: the rewrite adds nothing, the few-shot stage does.
        AtomicInteger calls = new AtomicInteger();
        Path stop = dir.resolve("seq").resolve("STOP");
        PredictFn target = (inputs, prompts) -> {
            if (calls.incrementAndGet() == 12) {
                java.nio.file.Files.writeString(stop, "stop");
            }
            String prompt = prompts.get("sentiment").format(inputs);
            String label = ((String) inputs.get("text")).startsWith("love") ? "positive" : "negative";
            return prompt.contains("Answer: ") ? label : "unsure";
        };
        java.util.function.Supplier<PromptOptimizer.Builder> builder = () -> PromptOptimizer.builder().registry(registry)
                .prompts(seed.uri()).predictFn(target).trainData(data("t", 6)).validationData(data("v", 4))
                .scorers(Scorers.exactMatch())
                .optimizer(OptimizerSequence.of(new MetaPrompt(MetaPromptOptions.of(rewriter).examples(0)),
                        new FewShot(FewShotOptions.ofDefaults().maxDemos(2).candidateSets(6))))
                .budget(Budget.metricCalls(200)).runDirectory(dir);
        OptimizationResult stopped = builder.get().runId("seq").run();
        assertThat(stopped.stopReason().kind()).isEqualTo(dev.promptopt.StopReason.Kind.STOP_FILE);
        int before = calls.get();
        java.nio.file.Files.delete(stop);
        OptimizationResult resumed = builder.get().resume("seq").run();

        assertThat(rewriter.calls()).isEqualTo(1); // the first stage is not run again
        assertThat(resumed.finalScore()).isEqualTo(1.0);
        assertThat(resumed.metricCalls()).isEqualTo(calls.get()); // no pair scored twice over both processes
        assertThat(calls.get()).isGreaterThan(before);
        assertThat(resumed.candidates().get(resumed.bestCandidate()).origin()).startsWith("fewshot:");
    }
}
