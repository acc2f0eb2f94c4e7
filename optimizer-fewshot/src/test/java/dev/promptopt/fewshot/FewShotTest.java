package dev.promptopt.fewshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Budget;
import dev.promptopt.ChatMessage;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.local.InMemoryPromptRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FewShotTest {
    static final String SEED = "Classify the sentiment.\nText: {{text}}";

    /** Six training examples: two helpful demonstrations, two that mislead, two plain ones. */
    static Dataset train() {
        List<Example> rows = new ArrayList<>();
        rows.add(Example.of("help-a", Map.of("text", "HELPFUL alpha"), "positive"));
        rows.add(Example.of("help-b", Map.of("text", "HELPFUL beta"), "negative"));
        rows.add(Example.of("poison-a", Map.of("text", "POISON gamma"), "neutral"));
        rows.add(Example.of("poison-b", Map.of("text", "POISON delta"), "neutral"));
        for (int i = 0; i < 2; i++) {
            rows.add(Example.of("plain-" + i, Map.of("text", "plain " + i), "neutral"));
        }
        return Dataset.of("train", rows);
    }

    static Dataset validation() {
        List<Example> rows = new ArrayList<>();
        String[] labels = {"positive", "negative", "neutral"};
        for (int i = 0; i < 12; i++) {
            rows.add(Example.of("v" + i, Map.of("text", "sentence " + i), labels[i % 3]));
        }
        return Dataset.of("validation", rows);
    }

    /**
     * A scripted small model: it answers right only when its prompt shows both helpful demonstrations and no
     * misleading one; with one helpful demonstration it gets the positive sentences right; otherwise it rambles.
     */
    static PredictFn scriptedModel(AtomicInteger calls) {
        Map<String, String> truth = new java.util.HashMap<>();
        for (Example e : validation()) {
            truth.put((String) e.inputs().get("text"), (String) e.outputs());
        }
        return (inputs, prompts) -> {
            calls.incrementAndGet();
            String prompt = prompts.get("sentiment").format(inputs);
            String label = truth.getOrDefault((String) inputs.get("text"), "neutral");
            int helpful = (prompt.contains("HELPFUL alpha") ? 1 : 0) + (prompt.contains("HELPFUL beta") ? 1 : 0);
            if (prompt.contains("POISON")) {
                return "I think it is hard to tell";
            }
            if (helpful == 2) {
                return label;
            }
            if (helpful == 1 && label.equals("positive")) {
                return label;
            }
            return "well";
        };
    }

    static PromptOptimizer.Builder builder(PromptRegistry registry, PromptVersion seed, PredictFn predict, Path dir) {
        return PromptOptimizer.builder()
                .registry(registry)
                .prompts(seed.uri())
                .predictFn(predict)
                .trainData(train())
                .validationData(validation())
                .scorers(Scorers.exactMatch())
                .maxConcurrency(2)
                .randomSeed(3)
                .runDirectory(dir.resolve("runs"));
    }

    @Test
    void findsTheDemonstrationSetThatHelpsAndWritesItIntoTheRegisteredTemplate(@TempDir Path dir) {
        PromptRegistry registry = new InMemoryPromptRegistry();
        PromptVersion seed = registry.register("sentiment", SEED);
        AtomicInteger calls = new AtomicInteger();
        List<OptimizationEvent> events = new CopyOnWriteArrayList<>();
        OptimizationResult result = builder(registry, seed, scriptedModel(calls), dir)
                // Pairs of demonstrations: 30 ordered pairs exist, only 2 of them (both helpful) score 1.0.
                .optimizer(new FewShot(FewShotOptions.ofDefaults().maxDemos(2).minDemos(2).candidateSets(30)))
                .budget(Budget.metricCalls(400))
                .listener(events::add)
                .run();

        assertThat(result.initialScore()).isEqualTo(0.0);
        assertThat(result.finalScore()).isEqualTo(1.0);
        PromptVersion registered = registry.load(result.optimizedPrompts().get(0).uri());
        String text = registered.template().text();
        assertThat(text).contains("HELPFUL alpha", "HELPFUL beta").doesNotContain("POISON");
        assertThat(registered.template().variables()).containsExactly("text");
        // A plain format() of the registered version is what scored 1.0.
        String rendered = registered.template().format(Map.of("text", "sentence 0"));
        assertThat(rendered).startsWith("Classify the sentiment.\n").endsWith("Text: sentence 0\nAnswer:");
        assertThat(rendered).contains("Text: HELPFUL alpha\nAnswer: positive");
        assertThat(events).anyMatch(e -> e instanceof OptimizationEvent.CandidateEvaluated c && c.phase().startsWith("round-"));
        assertThat(result.metricCalls()).isLessThanOrEqualTo(400);
    }

    @Test
    void theSameSeedGivesTheSameChoice(@TempDir Path dir) {
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            PromptRegistry registry = new InMemoryPromptRegistry();
            PromptVersion seed = registry.register("sentiment", SEED);
            OptimizationResult r = builder(registry, seed, scriptedModel(new AtomicInteger()), dir.resolve("r" + i))
                    .optimizer(new FewShot(FewShotOptions.ofDefaults().maxDemos(3).candidateSets(12)))
                    .budget(Budget.metricCalls(300)).run();
            chosen.add(r.bestTemplates().get("sentiment").text());
        }
        assertThat(chosen.get(0)).isEqualTo(chosen.get(1));
    }

    @Test
    void aStoppedRunResumesWithoutRepeatingACallAndChoosesWhatAnUninterruptedRunChooses(@TempDir Path dir) throws Exception {
        FewShotOptions options = FewShotOptions.ofDefaults().maxDemos(2).minDemos(2).candidateSets(30);
        PromptRegistry registry = new InMemoryPromptRegistry();
        PromptVersion seed = registry.register("sentiment", SEED);
        AtomicInteger whole = new AtomicInteger();
        OptimizationResult uninterrupted = builder(registry, seed, scriptedModel(whole), dir.resolve("a"))
                .optimizer(new FewShot(options)).budget(Budget.metricCalls(400)).runId("whole").run();

        AtomicInteger first = new AtomicInteger();
        // A stop file written during the 60th call stops the run before its next batch, as a kill would.
        Path stop = dir.resolve("b").resolve("runs").resolve("split").resolve("STOP");
        PredictFn model = scriptedModel(first);
        PredictFn stopping = (inputs, prompts) -> {
            if (first.get() == 59) {
                java.nio.file.Files.writeString(stop, "stop");
            }
            return model.predict(inputs, prompts);
        };
        OptimizationResult stopped = builder(registry, seed, stopping, dir.resolve("b"))
                .optimizer(new FewShot(options)).budget(Budget.metricCalls(400)).runId("split").run();
        assertThat(stopped.stopReason().kind()).isEqualTo(dev.promptopt.StopReason.Kind.STOP_FILE);
        java.nio.file.Files.delete(stop);
        AtomicInteger second = new AtomicInteger();
        OptimizationResult resumed = builder(registry, seed, scriptedModel(second), dir.resolve("b"))
                .optimizer(new FewShot(options)).budget(Budget.metricCalls(400)).resume("split").run();

        assertThat(first.get()).isLessThan(whole.get());
        assertThat(first.get() + second.get()).isEqualTo(whole.get());
        assertThat(resumed.bestTemplates()).isEqualTo(uninterrupted.bestTemplates());
        assertThat(resumed.finalScore()).isEqualTo(1.0);
    }

    @Test
    void aSmallBudgetShrinksTheSearchAndIsHonoured(@TempDir Path dir) {
        PromptRegistry registry = new InMemoryPromptRegistry();
        PromptVersion seed = registry.register("sentiment", SEED);
        OptimizationResult r = builder(registry, seed, scriptedModel(new AtomicInteger()), dir)
                .optimizer(new FewShot(FewShotOptions.ofDefaults().candidateSets(40)))
                .budget(Budget.metricCalls(40)).run();
        // 12 for the baseline; the search is cut to what 28 more calls pay for, and never passes the budget.
        assertThat(r.metricCalls()).isLessThanOrEqualTo(40);
        assertThat(r.optimizerStats(FewShotStats.class).orElseThrow().demonstrationSets()).isLessThan(40);
    }

    @Test
    void setsLongerThanTheMaximumAreRejectedBeforeAnyCall(@TempDir Path dir) {
        PromptRegistry registry = new InMemoryPromptRegistry();
        PromptVersion seed = registry.register("sentiment", SEED);
        List<OptimizationEvent> events = new CopyOnWriteArrayList<>();
        List<String> evaluatedPrompts = new CopyOnWriteArrayList<>();
        PredictFn model = scriptedModel(new AtomicInteger());
        PredictFn recording = (inputs, prompts) -> {
            evaluatedPrompts.add(prompts.get("sentiment").text());
            return model.predict(inputs, prompts);
        };
        int max = 110; // room for about two demonstrations
        OptimizationResult r = builder(registry, seed, recording, dir)
                .optimizer(new FewShot(FewShotOptions.ofDefaults().maxDemos(4).minDemos(1).candidateSets(30)))
                .maxPromptChars(max)
                .budget(Budget.metricCalls(500))
                .listener(events::add)
                .run();
        assertThat(events).anyMatch(e -> e instanceof OptimizationEvent.CandidateRejected c
                && c.reason().contains("more than the maximum of " + max));
        assertThat(evaluatedPrompts).allMatch(p -> p.length() <= max);
        assertThat(r.bestTemplates().get("sentiment").text().length()).isLessThanOrEqualTo(max);
    }

    @Test
    void bootstrapsDemonstrationsFromPassingModelOutputsWhenExamplesHaveNoReference(@TempDir Path dir) {
        PromptRegistry registry = new InMemoryPromptRegistry();
        PromptVersion seed = registry.register("echo", "Repeat: {{word}}");
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(Example.withExpectations("w" + i, Map.of("word", "word" + i), Map.of("must", "word" + i)));
        }
        Dataset data = Dataset.of("words", rows);
        // Passes when the output contains the word; the model shouts on odd words, so only even ones pass.
        dev.promptopt.Scorer contains = dev.promptopt.Scorer.of("contains-word", (ex, out) ->
                dev.promptopt.Feedback.of(String.valueOf(out).equals(ex.expectations().get("must")) ? 1.0 : 0.0, ""));
        PredictFn model = (inputs, prompts) -> {
            String w = (String) inputs.get("word");
            return Integer.parseInt(w.substring(4)) % 2 == 0 ? w : w.toUpperCase();
        };
        OptimizationResult r = PromptOptimizer.builder().registry(registry).prompts(seed.uri()).predictFn(model)
                .trainData(data).validationData(Dataset.of("val", rows.subList(0, 2))).scorers(contains)
                .optimizer(new FewShot(FewShotOptions.ofDefaults().source(FewShotOptions.DemoSource.PASSING_OUTPUTS)
                        .maxDemos(2).candidateSets(4)))
                .registerOnlyIfImproved(false)
                .budget(Budget.metricCalls(100)).runDirectory(dir).run();
        assertThat(r.optimizerStats(FewShotStats.class).orElseThrow().demonstrationPool()).isEqualTo(2); // w2, w4 (w0 is a validation example)
    }

    @Test
    void demonstrationsWithBracesAreEscapedAndChatTemplatesGetTurns() {
        Demonstration d = new Demonstration("x", Map.of("text", "uses {{text}} literally"), "{{neutral}}");
        PromptTemplate text = Demonstrations.write(PromptTemplate.text(SEED), List.of(d), "Answer: ");
        assertThat(text.variables()).containsExactly("text");
        assertThat(text.format(Map.of("text", "new"))).isEqualTo(
                "Classify the sentiment.\nText: uses {{text}} literally\nAnswer: {{neutral}}\n\nText: new\nAnswer:");

        PromptTemplate chat = PromptTemplate.chat(List.of(ChatMessage.system("Classify."), ChatMessage.user("Text: {{text}}")));
        PromptTemplate withTurns = Demonstrations.write(chat, List.of(d), "Answer: ");
        assertThat(withTurns.formatMessages(Map.of("text", "new"))).containsExactly(
                ChatMessage.system("Classify."), ChatMessage.user("Text: uses {{text}} literally"),
                ChatMessage.assistant("{{neutral}}"), ChatMessage.user("Text: new"));
        assertThat(dev.promptopt.core.Candidates.problems(PromptSet.of("p", chat), PromptSet.of("p", withTurns))).isEmpty();
    }

    @Test
    void roundSizesDoubleUntilTheWholeValidationSet() {
        assertThat(FewShot.roundSizes(24, 17)).containsExactly(4, 8, 16, 24);
        assertThat(FewShot.roundSizes(3, 10)).containsExactly(3);
        assertThat(FewShot.roundSizes(100, 4)).containsExactly(25, 50, 100);
    }
}
