package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    private final Dataset data = Dataset.of("test", List.of(
            Example.of("a", Map.of("text", "I love it"), "positive"),
            Example.of("b", Map.of("text", "I hate it"), "negative"),
            Example.of("c", Map.of("text", "boom"), "neutral")));

    @Test
    void rowsFeedbackAndMetricsComeBackPerExampleAndScorer() {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Answer in one word.\nText: {{text}}");
        EvaluationResult r = Evaluation.of((inputs, prompts) -> {
                    if (inputs.get("text").equals("boom")) {
                        throw new IllegalStateException("model exploded");
                    }
                    return QuickStartTest.TARGET.chat(prompts.get("sentiment").format(inputs)).text();
                })
                .prompts(registry, "prompts:/sentiment/1")
                .data(data)
                .scorers(Scorers.exactMatch(), Scorers.regex("^[a-z]+$"))
                .run();
        assertThat(r.rows()).extracting(row -> row.example().id()).containsExactly("a", "b", "c");
        assertThat(r.rows().get(0).output()).isEqualTo("positive");
        assertThat(r.rows().get(0).feedback()).containsOnlyKeys("exact_match", "regex");
        assertThat(r.rows().get(2).error()).isEqualTo("prediction failed: IllegalStateException: model exploded");
        // A failure is not a score: the failed row is counted as a failure, left out of the means.
        assertThat(r.metrics()).containsEntry("exact_match", 1.0).containsEntry("regex", 1.0);
        assertThat(r.score()).isEqualTo(1.0);
        assertThat(r.failures()).isEqualTo(1);
        assertThat(r.metricCalls()).isEqualTo(2);
        assertThat(r.table()).contains("exact_match = 1").contains("ERROR prediction failed");
        assertThat(r.toJson()).contains("\"id\" : \"a\"").contains("\"rationale\"");
    }

    @Test
    void aTemplateVariableTheDataLacksIsReportedBeforeAnyCall() {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("qa", "Q: {{question}}");
        assertThatThrownBy(() -> Evaluation.of((in, p) -> {
                    throw new AssertionError("no call expected");
                }).prompts(registry, "prompts:/qa/1").data(data).scorers(Scorers.exactMatch()).run())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("prompt 'qa' needs an input its data lacks: example 'a'")
                .hasMessageContaining("inputs lack 'question'");
    }
}
