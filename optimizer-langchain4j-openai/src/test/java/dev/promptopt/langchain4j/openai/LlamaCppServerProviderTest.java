package dev.promptopt.langchain4j.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.Models;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.cost.CostTable;
import dev.promptopt.core.cost.ModelRole;
import dev.promptopt.core.cost.UsageMeter;
import dev.promptopt.core.testing.LlamaCppServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code openai-compatible:/} provider against a real LLM server: llama.cpp serving SmolLM2-135M. */
class LlamaCppServerProviderTest {
    static LlamaCppServer server;

    @BeforeAll
    static void startServer() {
        server = LlamaCppServer.start(4);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    LanguageModel model() {
        return Models.resolve("openai-compatible:/smollm2-135m",
                Map.of("baseUrl", server.baseUrl(), "apiKey", "unused", "temperature", "0", "maxTokens", "12"));
    }

    @Test
    void oneCallReturnsTextAndTheServersTokenUsage() {
        ModelResponse r = model().chat("Say hello.");

        assertThat(r.text()).isNotBlank();
        assertThat(r.usage().inputTokens()).isGreaterThan(3);
        assertThat(r.usage().outputTokens()).isBetween(1L, 12L);
    }

    @Test
    void evaluatesSentencesAtConcurrencyFourThroughTheProvider() {
        PromptTemplate template = PromptTemplate.text(
                "Classify the sentiment of the text. Answer with one word: positive, negative or neutral.\nText: {{text}}");
        Dataset data = Dataset.of("sentiment-6", List.of(
                Example.of("s1", Map.of("text", "I absolutely love this phone."), "positive"),
                Example.of("s2", Map.of("text", "The delivery was late and the box was crushed."), "negative"),
                Example.of("s3", Map.of("text", "The meeting is at 3 pm on Thursday."), "neutral"),
                Example.of("s4", Map.of("text", "Fantastic service, thank you!"), "positive"),
                Example.of("s5", Map.of("text", "This is the worst purchase I ever made."), "negative"),
                Example.of("s6", Map.of("text", "The store opens at nine."), "neutral")));
        UsageMeter meter = new UsageMeter(CostTable.defaults());
        LanguageModel model = meter.meter(model(), ModelRole.TASK);
        PredictFn predict = (inputs, prompts) -> model.chat(prompts.get("sentiment").format(inputs)).text();

        EvaluationResult result = Evaluation.of(predict)
                .prompts(PromptSet.of("sentiment", template))
                .data(data)
                .scorers(Scorers.containsReference())
                .maxConcurrency(4)
                .run();

        assertThat(result.rows()).hasSize(6);
        assertThat(result.failures()).as(result.table()).isZero();
        for (ExampleResult row : result.rows()) {
            assertThat(String.valueOf(row.output())).isNotBlank();
        }
        assertThat(meter.calls(ModelRole.TASK)).isEqualTo(6);
        assertThat(meter.usage(ModelRole.TASK).inputTokens()).isGreaterThan(6 * 20);
    }
}
