package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Budget;
import dev.promptopt.CandidateRecord;
import dev.promptopt.ChatMessage;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.StopReason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GepaRunTest {

    private static Gepa gepa(RuleWorld.Reflector reflector) {
        return new Gepa(Gepa.options().reflectionModel(reflector));
    }

    @Test
    void learnsAllRulesAndStopsOncePerfectWithinBudget() {
        RuleWorld.Target target = new RuleWorld.Target(0);
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(1);
        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), target, 300, 42);

        OptimizerOutcome out = ctx.optimize(gepa(reflector));

        CandidateRecord best = out.candidates().get(out.bestIndex());
        assertThat(best.score()).isEqualTo(1.0);
        assertThat(best.validationScores()).hasSize(8).allSatisfy((id, s) -> assertThat(s).isEqualTo(1.0));
        assertThat(RuleWorld.rules(best.templates().get("task").text()))
                .containsExactlyInAnyOrder("fruit", "animal", "color", "city");
        assertThat(out.stopReason().kind()).isEqualTo(StopReason.Kind.COMPLETED);
        assertThat(ctx.metricCalls()).isLessThan(300);
        assertThat(out.best()).isEqualTo(best.templates());
        // lineage: seed first, every other candidate has a parent that came before it
        assertThat(out.candidates().get(0).origin()).isEqualTo("seed");
        assertThat(out.candidates().get(0).score()).isEqualTo(0.0);
        for (CandidateRecord c : out.candidates().subList(1, out.candidates().size())) {
            assertThat(c.origin()).isEqualTo("reflection");
            assertThat(c.parents()).hasSize(1).allSatisfy(p -> assertThat(p).isLessThan(c.index()));
            assertThat(c.foundAtMetricCall()).isGreaterThan(out.candidates().get(c.parents().get(0)).foundAtMetricCall());
        }
        GepaStats stats = out.stats(GepaStats.class).orElseThrow();
        assertThat(stats.fullValidations()).isEqualTo(out.candidates().size());
        assertThat(stats.randomSeed()).isEqualTo(42L);
        assertThat(stats.iterations()).isPositive();
        assertThat(ctx.events).hasAtLeastOneElementOfType(OptimizationEvent.IterationStarted.class);
        assertThat(ctx.events).filteredOn(e -> e instanceof OptimizationEvent.CandidateAccepted a && a.newBest())
                .isNotEmpty();
        // each metric call is one target call: the context's cache means no pair is scored twice
        assertThat((long) target.calls.get()).isEqualTo(ctx.metricCalls());
    }

    @Test
    void tooSmallBudgetStopsWithoutOvershootingIt() {
        RuleWorld.Target target = new RuleWorld.Target(0);
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(1);
        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), target, 20, 42);

        OptimizerOutcome out = ctx.optimize(gepa(reflector));

        assertThat(out.stopReason().kind()).isEqualTo(StopReason.Kind.METRIC_CALLS);
        // the engine refuses a batch that does not fit in what is left: the budget is never passed
        assertThat(ctx.metricCalls()).isLessThanOrEqualTo(20);
        assertThat(out.candidates()).isNotEmpty();
        assertThat(out.bestIndex()).isBetween(0, out.candidates().size() - 1);
    }

    @Test
    void noReflectionCallIsMadeOnceTheBudgetIsSpent() {
        RuleWorld.Target target = new RuleWorld.Target(0);
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(1);
        // 8 for the seed, 3 for the first parent minibatch: the budget is spent before reflection
        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), target, 11, 42);

        OptimizerOutcome out = ctx.optimize(gepa(reflector));

        assertThat(reflector.calls.get()).isZero();
        assertThat(ctx.metricCalls()).isEqualTo(11);
        assertThat(out.bestIndex()).isZero();
        assertThat(out.best()).isEqualTo(RuleWorld.onePrompt());
    }

    @Test
    void sameSeedAndResponsesGiveTheSameResultCandidateByCandidate() {
        OptimizerOutcome first = runRuleTask(7, Gepa.options().merge(true));
        OptimizerOutcome second = runRuleTask(7, Gepa.options().merge(true));

        assertThat(second.candidates()).isEqualTo(first.candidates());
        assertThat(second.bestIndex()).isEqualTo(first.bestIndex());
        assertThat(second.stats()).isEqualTo(first.stats());
        assertThat(second.stopReason()).isEqualTo(first.stopReason());
        // the run exercised Pareto sampling among several candidates and merges
        assertThat(first.candidates()).hasSizeGreaterThan(5);
        assertThat(first.stats(GepaStats.class).orElseThrow().mergesAttempted()).isPositive();
        // and the seed matters
        assertThat(runRuleTask(8, Gepa.options().merge(true)).candidates()).isNotEqualTo(first.candidates());
    }

    /** Two prompts and a forgetful reflector: trade-offs between candidates, so selection and merge matter. */
    private static OptimizerOutcome runRuleTask(long seed, GepaOptions options) {
        RuleWorld.Target target = new RuleWorld.Target(0);
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(1, 1);
        EngineRun ctx = RuleWorld.context(RuleWorld.twoPrompts(), target, 300, seed);
        return ctx.optimize(new Gepa(options.reflectionModel(reflector)));
    }

    @Test
    void rejectsUnusableProposalsWithReasonsAndNeverAdoptsThem() {
        RuleWorld.Target target = new RuleWorld.Target(0);
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(1);
        reflector.scripted.addAll(List.of(
                "```\nRULE: fruit\nUNCLOSED\nWord: {{word}}",
                "Sure:\n```\n   \n```",
                "```\nRULE: fruit\nDROPPED the word\n```",
                "```\nRULE: fruit\nINVENTED Word: {{word}} in {{language}}\n```",
                "```\nAnswer with the word, transformed as the rules say.\nWord: {{word}}\n```"));
        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), target, 300, 3);

        OptimizerOutcome out = ctx.optimize(gepa(reflector));

        List<String> reasons = ctx.events.stream()
                .filter(e -> e instanceof OptimizationEvent.CandidateRejected)
                .map(e -> ((OptimizationEvent.CandidateRejected) e).reason()).toList();
        assertThat(reasons.subList(0, 5)).satisfiesExactly(
                r -> assertThat(r).startsWith("unclosed_fence"),
                r -> assertThat(r).startsWith("empty"),
                r -> assertThat(r).startsWith("invalid_variables").contains("drops variable 'word'"),
                r -> assertThat(r).startsWith("invalid_variables").contains("invents variable 'language'"),
                r -> assertThat(r).startsWith("unchanged"));
        @SuppressWarnings("unchecked")
        Map<String, Integer> counts = (Map<String, Integer>) out.stats(GepaStats.class).orElseThrow().rejectionReasons();
        assertThat(counts).containsEntry("unclosed_fence", 1).containsEntry("empty", 1)
                .containsEntry("invalid_variables", 2).containsEntry("unchanged", 1);
        for (CandidateRecord c : out.candidates()) {
            assertThat(c.templates().get("task").text()).doesNotContain("UNCLOSED", "DROPPED", "INVENTED");
        }
        assertThat(target.prompts).noneMatch(p -> p.contains("UNCLOSED") || p.contains("DROPPED") || p.contains("INVENTED"));
        assertThat(ctx.events).noneMatch(e -> e instanceof OptimizationEvent.CandidateProposed p
                && p.candidate().get("task").text().matches("(?s).*(UNCLOSED|DROPPED|INVENTED).*"));
        // the run still learns once the reflection behaves
        assertThat(out.candidates().get(out.bestIndex()).score()).isEqualTo(1.0);
    }

    @Test
    void aChildThatOnlyTiesItsParentIsRejectedUnderStrictAndAcceptedUnderOrEqual() {
        String tie = "```\nAnswer with the word, transformed as the rules say. Be careful.\nWord: {{word}}\n```";
        for (GepaOptions.Acceptance acceptance : GepaOptions.Acceptance.values()) {
            RuleWorld.Reflector reflector = new RuleWorld.Reflector(1);
            reflector.scripted.add(tie);
            EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), new RuleWorld.Target(0), 300, 11);

            OptimizerOutcome out = ctx.optimize(new Gepa(Gepa.options().acceptance(acceptance).reflectionModel(reflector)));

            boolean adopted = out.candidates().stream().anyMatch(c -> c.templates().get("task").text().contains("Be careful."));
            if (acceptance == GepaOptions.Acceptance.STRICT_IMPROVEMENT) {
                assertThat(adopted).isFalse();
                assertThat(ctx.events).anyMatch(e -> e instanceof OptimizationEvent.CandidateRejected r
                        && r.iteration() == 1 && r.reason().startsWith("not_better"));
            } else {
                assertThat(adopted).isTrue();
                assertThat(out.candidates().get(1).parents()).containsExactly(0);
            }
        }
    }

    @Test
    void aCustomReflectionTemplateIsWhatTheReflectionModelReads() {
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(1);
        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), new RuleWorld.Target(0), 300, 5);
        String template = "MY TEMPLATE\n```\n{{current_instruction}}\n```\nEvidence:\n{{examples}}\nReply in a ``` block.";

        OptimizerOutcome out = ctx.optimize(new Gepa(Gepa.options().reflectionTemplate(template).reflectionModel(reflector)));

        assertThat(reflector.prompts).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("MY TEMPLATE\n```\nAnswer with")
                .contains("Evidence:\n# Example 1\n## Inputs\n### word\n").endsWith("Reply in a ``` block."));
        assertThat(out.candidates().get(out.bestIndex()).score()).isEqualTo(1.0);
    }

    @Test
    void noImprovementAndScoreThresholdStopTheRun() {
        RuleWorld.Reflector stuck = new RuleWorld.Reflector(0); // never learns a rule: every proposal is unchanged
        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), new RuleWorld.Target(0), 300, 5);
        OptimizerOutcome out = ctx.optimize(new Gepa(Gepa.options().noImprovementIterations(3).reflectionModel(stuck)));
        assertThat(out.stopReason().kind()).isEqualTo(StopReason.Kind.NO_IMPROVEMENT);
        assertThat(out.stats(GepaStats.class).orElseThrow().iterations()).isEqualTo(3);

        EngineRun ctx2 = RuleWorld.context(RuleWorld.onePrompt(), new RuleWorld.Target(0), 300, 5);
        OptimizerOutcome out2 = ctx2.optimize(new Gepa(Gepa.options().scoreThreshold(0.5).reflectionModel(new RuleWorld.Reflector(1))));
        assertThat(out2.stopReason().kind()).isEqualTo(StopReason.Kind.SCORE_THRESHOLD);
        assertThat(out2.candidates().get(out2.bestIndex()).score()).isGreaterThanOrEqualTo(0.5).isLessThan(1.0);
    }

    @Test
    void chatTemplatesHaveTheirSystemMessageRewritten() {
        RuleWorld.Target target = new RuleWorld.Target(0);
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(4);
        PromptSet seed = PromptSet.of("task", PromptTemplate.chat(List.of(
                ChatMessage.system("Answer with the word, transformed as the rules say.\nWord: {{word}}"),
                ChatMessage.user("Go."))));
        EngineRun ctx = new EngineRun(seed, RuleWorld.predict(target), 300, 1);

        OptimizerOutcome out = ctx.optimize(gepa(reflector));

        PromptTemplate best = out.best().get("task");
        assertThat(best.isChat()).isTrue();
        assertThat(best.messages()).hasSize(2);
        assertThat(best.messages().get(1)).isEqualTo(ChatMessage.user("Go."));
        assertThat(best.messages().get(0).content()).contains("RULE: fruit");
    }

    @Test
    void optionsBecomeTheBudgetAndTheValidationWarnsAboutATooSmallBudget() {
        Gepa g = new Gepa(Gepa.options().reflectionModel(new RuleWorld.Reflector(1)).maxMetricCalls(10));
        assertThat(g.budget()).contains(Budget.metricCalls(10));

        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), new RuleWorld.Target(0), 10, 1);
        assertThat(ctx.validate(g)).singleElement().asString().startsWith("warning:").contains("14 needed");

        EngineRun roomy = RuleWorld.context(RuleWorld.onePrompt(), new RuleWorld.Target(0), 14, 1);
        assertThat(roomy.validate(g)).isEmpty();
    }

    @Test
    void aMissingReflectionModelIsAnError() {
        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), new RuleWorld.Target(0), 300, 1);
        assertThat(ctx.validate(new Gepa(Gepa.options()))).singleElement().asString()
                .doesNotStartWith("warning:").contains("reflection model");
        assertThat(ctx.validate(new Gepa(Gepa.options().reflectionModel("nosuch:/model")))).singleElement().asString()
                .contains("nosuch");
    }
}
