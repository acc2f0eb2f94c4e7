package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.TokenUsage;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.cost.CostTable;
import dev.promptopt.core.cost.ModelRole;
import dev.promptopt.core.cost.UsageMeter;
import dev.promptopt.gepa.internal.Objectives;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost objective through the real engine and a metered model: of two prompts that score the same, the run
 * ends on the one whose calls cost less, although its prompt is the longer of the two.
 */
class GepaCostObjectiveTest {
    private static final String RULES = "\nRULE: fruit\nRULE: animal\nRULE: color\nRULE: city";
    /** Makes the target write out its reasoning before the answer: many output tokens. */
    private static final String VERBOSE = "Show your reasoning, then the word.\nWord: {{word}}" + RULES;
    /** Longer, but the target answers with the word alone. */
    private static final String TERSE = "Answer with the transformed word alone on one line, with no reasoning and "
            + "nothing else around it.\nWord: {{word}}" + RULES;

    /** Counts one token per word each way; asked for reasoning, writes forty words of it before the answer. */
    private static final class CountingTarget implements LanguageModel {
        final RuleWorld.Target rules = new RuleWorld.Target(0);
        /** Whether the provider reports the input count (Ollama leaves it out for a prompt it had cached). */
        final boolean reportsInput;

        CountingTarget() {
            this(true);
        }

        CountingTarget(boolean reportsInput) {
            this.reportsInput = reportsInput;
        }

        @Override
        public String name() {
            return "scripted:/target";
        }

        @Override
        public ModelResponse chat(List<ChatMessage> messages) {
            String prompt = messages.get(messages.size() - 1).content();
            String answer = rules.chat(messages).text();
            String text = prompt.contains("Show your reasoning")
                    ? "Reasoning:" + " the word belongs to a category whose rule applies".repeat(5) + "\n" + answer
                    : answer;
            return new ModelResponse(text, TokenUsage.reported(reportsInput ? words(prompt) : null, words(text)), name());
        }

        private static long words(String s) {
            return s.isBlank() ? 0 : s.trim().split("\\s+").length;
        }
    }

    private static PredictFn lastLine(LanguageModel model) {
        PredictFn inner = RuleWorld.predict(model);
        return (inputs, prompts) -> {
            String text = (String) inner.predict(inputs, prompts);
            return text.substring(text.lastIndexOf('\n') + 1);
        };
    }

    private static PromptRegistry registry() {
        PromptRegistry r = PromptRegistry.inMemory();
        r.register("task", RuleWorld.onePrompt().get("task"));
        return r;
    }

    private static PromptOptimizer.Builder builder(GepaOptions options, LanguageModel reflector, UsageMeter meter,
                                                   Path runs) {
        return builder(options, reflector, meter, runs, new CountingTarget());
    }

    private static PromptOptimizer.Builder builder(GepaOptions options, LanguageModel reflector, UsageMeter meter,
                                                   Path runs, CountingTarget counting) {
        LanguageModel target = meter.meter(counting, ModelRole.TASK);
        return PromptOptimizer.builder()
                .registry(registry())
                .prompts("prompts:/task/1")
                .predictFn(lastLine(target))
                .trainData(RuleWorld.train())
                .validationData(RuleWorld.validation())
                .scorers(RuleWorld.SCORER)
                .optimizer(new Gepa(options.reflectionModel(reflector).stopWhenPerfect(false).skipPerfectScore(false)
                        .noImprovementIterations(6).maxMetricCalls(300)))
                .usageMeter(meter)
                .maxConcurrency(3)
                .randomSeed(3)
                .runDirectory(runs);
    }

    private static RuleWorld.Reflector reflector() {
        RuleWorld.Reflector r = new RuleWorld.Reflector(1);
        r.scripted.add("```\n" + VERBOSE + "\n```");
        r.scripted.add("```\n" + TERSE + "\n```");
        return r;
    }

    private static UsageMeter meter() {
        return new UsageMeter(CostTable.empty().with("scripted:/target", 1.0, 4.0));
    }

    private static String bestText(OptimizationResult r) {
        return r.bestTemplates().get("task").text();
    }

    private static GepaStats.FrontPoint frontRow(OptimizationResult r, int candidate) {
        List<GepaStats.FrontPoint> front = r.optimizerStats(GepaStats.class).orElseThrow().objectiveFront();
        return front.stream().filter(row -> row.candidate() == candidate).findFirst()
                .orElseThrow(() -> new AssertionError("candidate " + candidate + " is not on the front " + front));
    }

    @Test
    void withTheCostObjectiveTheRunEndsOnTheCheaperPromptOfEqualScore(@TempDir Path dir) {
        OptimizationResult plain = builder(Gepa.options(), reflector(), meter(), dir.resolve("plain")).run();
        OptimizationResult lean = builder(Gepa.options().objectives(GepaOptions.Objective.COST_PER_EXAMPLE),
                reflector(), meter(), dir.resolve("lean")).run();

        assertThat(bestText(plain)).isEqualTo(VERBOSE);
        assertThat(bestText(lean)).isEqualTo(TERSE);
        assertThat(lean.finalScore()).isEqualTo(plain.finalScore()).isEqualTo(1.0);
        // not the prompt-length objective at work: the cheaper prompt is the longer one
        assertThat(TERSE.length()).isGreaterThan(VERBOSE.length());

        Map<String, Double> objectives = frontRow(lean, lean.bestCandidate()).objectives();
        assertThat(objectives).containsEntry("exact", 1.0).containsKey(Objectives.COST_PER_EXAMPLE);
        double terseCost = objectives.get(Objectives.COST_PER_EXAMPLE);
        assertThat(terseCost).isPositive();
        // the verbose candidate, as validated in the same run, cost more per example
        int verbose = lean.candidates().stream().filter(c -> c.templates().get("task").text().equals(VERBOSE))
                .findFirst().orElseThrow().index();
        assertThat(lean.candidates().get(verbose).score()).isEqualTo(1.0);
        assertThat(lean.optimizerStats(GepaStats.class).orElseThrow().objectiveFront())
                .noneMatch(r -> r.candidate() == verbose); // dominated: same score, dearer
    }

    @Test
    void callsWhoseInputCountWasNotReportedGiveNoCostRatherThanAnUnderpricedOne(@TempDir Path dir) {
        OptimizationResult plain = builder(Gepa.options(), reflector(), meter(), dir.resolve("plain")).run();
        OptimizationResult unpriced = builder(Gepa.options().objectives(GepaOptions.Objective.COST_PER_EXAMPLE),
                reflector(), meter(), dir.resolve("unpriced"), new CountingTarget(false)).run();

        // Priced from the output counts alone, the verbose prompt would still look dearer; with no whole price the
        // cost objective has no value, so the run decides as it would without it.
        assertThat(bestText(unpriced)).isEqualTo(bestText(plain)).isEqualTo(VERBOSE);
        assertThat(unpriced.optimizerStats(GepaStats.class).orElseThrow().objectiveFront())
                .allSatisfy(row -> assertThat(row.objectives()).doesNotContainKey(Objectives.COST_PER_EXAMPLE));
        var task = unpriced.usage().roles().get("task");
        assertThat(task.complete()).isFalse();
        assertThat(task.unreportedCalls()).isEqualTo(task.calls());
        assertThat(task.inputTokens()).isZero();
    }

    @Test
    void aResumedRunKeepsTheCostsOfTheExamplesScoredBeforeTheCrash(@TempDir Path dir) {
        GepaOptions options = Gepa.options().objectives(GepaOptions.Objective.COST_PER_EXAMPLE);
        OptimizationResult straight = builder(options, reflector(), meter(), dir.resolve("a")).runId("s").run();

        RuleWorld.Reflector reflector = reflector();
        Path runs = dir.resolve("b");
        // the crash comes after both candidates were validated and journaled with their costs
        assertThatThrownBy(() -> builder(options, new CrashingModel(reflector, 3), meter(), runs).runId("k").run())
                .hasMessageContaining("simulated crash at reflection call 3");
        UsageMeter resumedMeter = meter();
        OptimizationResult resumed = builder(options, new CrashingModel(reflector, -1), resumedMeter, runs).resume("k").run();

        assertThat(bestText(resumed)).isEqualTo(TERSE);
        assertThat(resumed.candidates()).isEqualTo(straight.candidates());
        assertThat(frontRow(resumed, resumed.bestCandidate()))
                .isEqualTo(frontRow(straight, straight.bestCandidate()));
    }
}
