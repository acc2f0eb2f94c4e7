package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.CandidateRecord;
import dev.promptopt.OptimizerOutcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The prompt-length objective: a run keeps a shorter prompt that scores as well. */
class GepaObjectivesTest {
    private static final String RULES = "\nRULE: fruit\nRULE: animal\nRULE: color\nRULE: city";
    private static final String LONG = "Answer with the word, transformed as the rules say. Think about the category "
            + "of the word first, then apply exactly the rule of that category, and write nothing else.\nWord: {{word}}"
            + RULES;
    private static final String SHORT = "Apply the rule of the word's category.\nWord: {{word}}" + RULES;

    private static OptimizerOutcome run(GepaOptions options) {
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(1);
        reflector.scripted.add("```\n" + LONG + "\n```");
        reflector.scripted.add("```\n" + SHORT + "\n```");
        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), new RuleWorld.Target(0), 200, 3);
        return ctx.optimize(new Gepa(options.reflectionModel(reflector).stopWhenPerfect(false).skipPerfectScore(false)
                .noImprovementIterations(6)));
    }

    private static CandidateRecord best(OptimizerOutcome out) {
        return out.candidates().get(out.bestIndex());
    }

    @Test
    void withThePromptLengthObjectiveTheRunEndsOnTheShorterPromptOfEqualScore() {
        OptimizerOutcome plain = run(Gepa.options());
        OptimizerOutcome lean = run(Gepa.options().objectives(GepaOptions.Objective.PROMPT_TOKENS));

        assertThat(best(plain).templates().get("task").text()).isEqualTo(LONG);
        assertThat(best(lean).templates().get("task").text()).isEqualTo(SHORT);
        assertThat(best(lean).score()).isEqualTo(best(plain).score()).isEqualTo(1.0);

        List<GepaStats.FrontPoint> front = lean.stats(GepaStats.class).orElseThrow().objectiveFront();
        GepaStats.FrontPoint shortest = front.stream().filter(r -> r.candidate() == lean.bestIndex())
                .findFirst().orElseThrow();
        assertThat(shortest.objectives()).containsEntry("exact", 1.0).containsKey("prompt_tokens");
        assertThat(shortest.objectives().get("prompt_tokens")).isLessThan(30.0);
    }
}
