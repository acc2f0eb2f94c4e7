package dev.promptopt.junit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.testing.ScriptedModel;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class EvaluationAssertTest {
    static final Dataset DATA = Dataset.of("capitals", List.of(
            Example.of("fr", Map.of("country", "France"), "Paris"),
            Example.of("de", Map.of("country", "Germany"), "Berlin"),
            Example.of("it", Map.of("country", "Italy"), "Rome"),
            Example.of("es", Map.of("country", "Spain"), "Madrid")));

    static EvaluationResult evaluate(Map<String, String> answers) {
        ScriptedModel model = ScriptedModel.answering(prompt -> {
            for (Map.Entry<String, String> e : answers.entrySet()) {
                if (prompt.contains(e.getKey())) {
                    if (e.getValue() == null) {
                        throw new IllegalStateException("model unavailable for " + e.getKey());
                    }
                    return e.getValue();
                }
            }
            return "I do not know";
        });
        return Evaluation.of((inputs, prompts) -> model.chat(prompts.get("capital").format(inputs)).text())
                .prompts(PromptSet.of("capital", PromptTemplate.text("Capital of {{country}}? One word.")))
                .data(DATA)
                .scorers(Scorers.exactMatch(), Scorers.containsReference())
                .maxConcurrency(1)
                .run();
    }

    @Test
    void aScoreAtOrAboveTheBoundPasses() {
        EvaluationResult r = evaluate(Map.of("France", "Paris", "Germany", "Berlin", "Italy", "Rome", "Spain", "Madrid"));

        PromptAssertions.assertThat(r).hasNoFailures().scorer("exact_match").isAtLeast(1.0);
        PromptAssertions.assertThat(r).score().isAtLeast(0.99).isAtMost(1.0);
    }

    @Test
    void aScoreBelowTheBoundFailsWithATableOfTheExamplesThatFellShort() {
        EvaluationResult r = evaluate(Map.of("France", "Paris", "Germany", "Munich", "Italy", "Rome", "Spain",
                "The capital is Madrid"));

        assertThatThrownBy(() -> PromptAssertions.assertThat(r).as("capital v1").scorer("exact_match").isAtLeast(0.9))
                .isInstanceOf(AssertionError.class)
                .satisfies(e -> {
                    String msg = e.getMessage();
                    Assertions.assertThat(msg).startsWith("[capital v1] exact_match = 0.500 over 4 examples, expected at least 0.900; 2 examples below full marks:");
                    Assertions.assertThat(msg).contains("| id ", "| exact_match |", "| output ", "| expected ", "| why ");
                    Assertions.assertThat(msg).containsPattern("\\| de +\\| 0\\.000 +\\| Munich +\\| Berlin +\\| .+\\|");
                    Assertions.assertThat(msg).containsPattern("\\| es +\\| 0\\.000 +\\| The capital is Madrid +\\| Madrid +\\|");
                    Assertions.assertThat(msg).doesNotContain("| fr ").doesNotContain("| it ");
                });
    }

    @Test
    void failedExamplesShowTheirErrorAndFailHasNoFailures() {
        java.util.HashMap<String, String> answers = new java.util.HashMap<>(
                Map.of("France", "Paris", "Germany", "Berlin", "Italy", "Rome"));
        answers.put("Spain", null);
        EvaluationResult r = evaluate(answers);

        assertThatThrownBy(() -> PromptAssertions.assertThat(r).hasNoFailures())
                .hasMessageContaining("expected no failed examples, but 1 of 4 failed")
                .hasMessageContaining("| es ")
                .hasMessageContaining("ERROR")
                .hasMessageContaining("model unavailable for Spain");
    }

    @Test
    void anUnknownScorerNamesTheScorersTheEvaluationHas() {
        EvaluationResult r = evaluate(Map.of("France", "Paris"));

        assertThatThrownBy(() -> PromptAssertions.assertThat(r).scorer("exact"))
                .hasMessageContaining("no scorer 'exact'").hasMessageContaining("exact_match").hasMessageContaining("contains");
    }
}
