package dev.promptopt.llama;

import dev.promptopt.core.cost.UsageMeter;
import dev.promptopt.core.cost.CostTable;
import dev.promptopt.core.cost.ModelRole;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.Scorers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's evaluation of 5 examples with the real local model and a deterministic scorer. */
class LocalModelEvaluationTest {
    @Test
    void evaluatesFiveExamplesWithTheLocalModel() {
        LocalModelAssumptions.requireLocalModel();
        PromptTemplate template = PromptTemplate.text(
                "Classify the sentiment of the text. Answer with one word: positive, negative or neutral.\nText: {{text}}");
        Dataset data = Dataset.of("sentiment-5", List.of(
                Example.of("s1", Map.of("text", "I absolutely love this phone."), "positive"),
                Example.of("s2", Map.of("text", "The delivery was late and the box was crushed."), "negative"),
                Example.of("s3", Map.of("text", "The meeting is at 3 pm on Thursday."), "neutral"),
                Example.of("s4", Map.of("text", "Fantastic service, thank you!"), "positive"),
                Example.of("s5", Map.of("text", "This is the worst purchase I ever made."), "negative")));
        UsageMeter meter = new UsageMeter(CostTable.defaults());

        try (LocalLlamaModel raw = LocalLlamaModel.builder().modelPath(LocalModelFiles.defaultModelPath())
                .name("local:/smollm2-135m").maxTokens(16).threads(2).build()) {
            var model = meter.meter(raw, ModelRole.TASK);
            PredictFn predict = (inputs, prompts) -> model.chat(prompts.get("sentiment").format(inputs)).text();

            EvaluationResult result = Evaluation.of(predict)
                    .prompts(PromptSet.of("sentiment", template))
                    .data(data)
                    .scorers(Scorers.containsReference())
                    .maxConcurrency(2)
                    .run();

            assertThat(result.rows()).hasSize(5);
            assertThat(result.failures()).isZero();
            for (ExampleResult row : result.rows()) {
                assertThat(String.valueOf(row.output())).isNotBlank();
            }
            assertThat(result.score()).isBetween(0.0, 1.0);
            assertThat(meter.calls(ModelRole.TASK)).isEqualTo(5);
            assertThat(meter.usage(ModelRole.TASK).inputTokens()).isGreaterThan(5 * 20);
            assertThat(meter.totalCostUsd()).isZero(); // local models are free
        }
    }
}
