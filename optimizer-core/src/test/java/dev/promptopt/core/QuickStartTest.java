package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Dataset;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptVersion;
import dev.promptopt.RunTracker;
import dev.promptopt.core.local.LocalRun;
import dev.promptopt.core.testing.HillClimbOptimizer;
import dev.promptopt.core.testing.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md section 3, as a newcomer writes it, with a scripted target model and an optimizer that lives in
 * this test: proof that a third party plugs in an optimizer through the SPI alone.
 */
class QuickStartTest {

    /** Obeys only the rules its instruction states: one lowercase word only when told so. */
    static final LanguageModel TARGET = ScriptedModel.answering(prompt -> {
        String text = prompt.substring(prompt.indexOf("Text:") + 5).toLowerCase();
        String label = text.contains("love") || text.contains("great") ? "positive"
                : text.contains("hate") || text.contains("awful") ? "negative" : "neutral";
        if (prompt.contains("one word")) {
            return label;
        }
        return "The sentiment of this text is " + label + ".";
    });

    @Test
    void theQuickStartRunsAsWrittenAndRegistersABetterVersion(@TempDir Path dir) throws Exception {
        Path jsonl = dir.resolve("sentiment.jsonl");
        Files.writeString(jsonl, """
                {"inputs": {"text": "I love this phone"}, "outputs": "positive"}
                {"inputs": {"text": "I hate waiting"}, "outputs": "negative"}
                {"inputs": {"text": "It arrived on Tuesday"}, "outputs": "neutral"}
                {"inputs": {"text": "What a great day"}, "outputs": "positive"}
                {"inputs": {"text": "The food was awful"}, "outputs": "negative"}
                """);

        PromptRegistry registry = PromptRegistry.inDirectory(dir.resolve("prompts"));
        PromptVersion base = registry.register("sentiment",
                "Classify the sentiment. Answer 'positive' or 'negative' or 'neutral'.\nText: {{text}}");

        LanguageModel target = TARGET;
        PredictFn predict = (inputs, prompts) ->
                target.chat(prompts.get("sentiment").format(inputs)).text().toLowerCase();

        Dataset train = Dataset.fromJsonl(jsonl);
        // A scripted judge that answers in the verdict format our judge prompts ask for.
        LanguageModel judge = ScriptedModel.answering(prompt -> {
            String output = between(prompt, "<OUTPUT>", "</OUTPUT>");
            String expected = between(prompt, "<REFERENCE>", "</REFERENCE>");
            boolean same = output.strip().equalsIgnoreCase(expected.strip());
            return "{\"verdict\": \"" + (same ? "yes" : "no") + "\", \"rationale\": \""
                    + (same ? "same label" : "the answer should be just '" + expected.strip() + "'") + "\"}";
        });
        List<OptimizationEvent> events = new ArrayList<>();

        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry)
                .prompts(base.uri())
                .predictFn(predict)
                .trainData(train)
                .scorers(Scorers.equivalence(judge))
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Be polite.", "Answer with one word.")))
                .budget(dev.promptopt.Budget.metricCalls(300))
                .runDirectory(dir.resolve("runs"))
                .tracker(RunTracker.inDirectory(dir.resolve("tracking")))
                .listener(events::add)
                .run();

        assertThat(base.uri()).isEqualTo("prompts:/sentiment/1");
        assertThat(result.initialScore()).isEqualTo(0.0);
        assertThat(result.finalScore()).isEqualTo(1.0);
        assertThat(result.optimizedPrompts()).extracting(PromptVersion::uri).containsExactly("prompts:/sentiment/2");
        PromptVersion v2 = registry.load("prompts:/sentiment/2");
        assertThat(v2.template().text()).endsWith("Text: {{text}} Answer with one word."); // "Be polite." did not help
        assertThat(v2.commitMessage()).contains("hill-climb").contains("0.0000 -> 1.0000");
        // seed (5) + two candidates (10); the final evaluation and the lineage rebuild are cache hits
        assertThat(result.metricCalls()).isEqualTo(15);
        assertThat(result.initialScores()).containsEntry("equivalence", 0.0);
        assertThat(result.finalScores()).containsEntry("equivalence", 1.0);
        assertThat(events).first().isInstanceOf(OptimizationEvent.RunStarted.class);
        assertThat(events).last().isInstanceOf(OptimizationEvent.RunFinished.class);
        assertThat(Files.readString(dir.resolve("runs").resolve(result.runId()).resolve("result.json")))
                .contains("\"finalScore\" : 1.0");
        assertThat(Files.list(dir.resolve("tracking").resolve("prompt-optimization")).count()).isEqualTo(1);
    }

    @Test
    void nothingIsRegisteredWhenTheBestCandidateDoesNotBeatTheSeed(@TempDir Path dir) {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Answer in one word.\nText: {{text}}");
        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry)
                .prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> TARGET.chat(prompts.get("sentiment").format(inputs)).text())
                .trainData(Dataset.of(List.of(dev.promptopt.Example.of("a", Map.of("text", "I love it"), "positive"))))
                .scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Be polite.")))
                .budget(dev.promptopt.Budget.metricCalls(10))
                .runDirectory(dir)
                .run();
        assertThat(result.initialScore()).isEqualTo(1.0);
        assertThat(result.improved()).isFalse();
        assertThat(result.optimizedPrompts()).isEmpty();
        assertThat(registry.versions("sentiment")).hasSize(1);
    }

    @Test
    void theLocalTrackerRecordsParamsMetricsAndCandidateArtifacts(@TempDir Path dir) throws Exception {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify.\nText: {{text}}");
        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> TARGET.chat(prompts.get("sentiment").format(inputs)).text())
                .trainData(Dataset.of(List.of(dev.promptopt.Example.of("a", Map.of("text", "I love it"), "positive"))))
                .scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Answer in one word.")))
                .budget(dev.promptopt.Budget.metricCalls(10))
                .runDirectory(dir.resolve("runs"))
                .tracker(RunTracker.inDirectory(dir.resolve("tracking")))
                .experiment("sentiment-migration")
                .run();
        List<LocalRun> runs = new dev.promptopt.core.local.DirectoryRunTracker(dir.resolve("tracking")).runs("sentiment-migration");
        assertThat(runs).hasSize(1);
        LocalRun run = runs.get(0);
        assertThat(run.runName()).isEqualTo(result.runId());
        assertThat(run.status()).isEqualTo("FINISHED");
        assertThat(Files.readString(run.directory().resolve("params.json"))).contains("\"optimizer\" : \"hill-climb\"");
        assertThat(run.metrics("final_eval_score")).singleElement().extracting(LocalRun.Metric::value).isEqualTo(1.0);
        assertThat(run.metrics("eval_score")).extracting(LocalRun.Metric::step).containsExactly(0L, 1L);
        assertThat(new String(run.artifact("prompt_candidates/iteration_1/sentiment.txt"), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("Classify.\nText: {{text}} Answer in one word.");
    }

    private static String between(String s, String open, String close) {
        int i = s.indexOf(open);
        int j = s.indexOf(close, i + open.length());
        if (i < 0 || j < 0) {
            throw new IllegalStateException("judge prompt lacks " + open + "..." + close + ": " + s);
        }
        return s.substring(i + open.length(), j);
    }
}
