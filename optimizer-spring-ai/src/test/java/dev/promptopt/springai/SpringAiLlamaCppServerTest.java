package dev.promptopt.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.Models;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.cost.CostTable;
import dev.promptopt.core.cost.ModelRole;
import dev.promptopt.core.cost.UsageMeter;
import dev.promptopt.core.testing.LlamaCppServer;
import dev.promptopt.gepa.Gepa;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.retry.support.RetryTemplate;
import dev.promptopt.springai.boot.PromptOptimizerAutoConfiguration;
import org.springframework.ai.model.openai.autoconfigure.OpenAiChatAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.ai.retry.autoconfigure.SpringAiRetryAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Spring AI's own OpenAI client ({@link OpenAiChatModel}) against a real LLM server: llama.cpp serving
 * SmolLM2-135M on a loopback port. Evaluation and a GEPA optimization run through the adapter end to end.
 */
class SpringAiLlamaCppServerTest {
    static final Dataset TRAIN = Dataset.of("sentiment-train", List.of(
            Example.of("t1", Map.of("text", "I absolutely love this phone."), "positive"),
            Example.of("t2", Map.of("text", "The delivery was late and the box was crushed."), "negative"),
            Example.of("t3", Map.of("text", "Fantastic service, thank you!"), "positive"),
            Example.of("t4", Map.of("text", "This is the worst purchase I ever made."), "negative")));
    static final Dataset VALIDATION = Dataset.of("sentiment-val", List.of(
            Example.of("v1", Map.of("text", "What a wonderful day at the beach."), "positive"),
            Example.of("v2", Map.of("text", "The food was cold and tasteless."), "negative"),
            Example.of("v3", Map.of("text", "I am so happy with my new bike."), "positive")));
    static final String SEED = "Classify the sentiment of the text. Answer with one word: positive or negative.\nText: {{text}}";

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

    /** What a Spring application has: an OpenAiChatModel built with Spring AI's own builders. */
    static ChatModel springOpenAi(int maxTokens) {
        OpenAiApi api = OpenAiApi.builder().baseUrl(server.rootUrl()).apiKey("unused").build();
        return OpenAiChatModel.builder()
                .openAiApi(api)
                .defaultOptions(OpenAiChatOptions.builder().model("smollm2-135m").temperature(0.0).maxTokens(maxTokens).build())
                .retryTemplate(RetryTemplate.builder().maxAttempts(1).build())
                .build();
    }

    @Test
    void aSpringAiOpenAiChatModelAnswersWithTheServersTokenUsage() {
        ModelResponse r = SpringAi.model(springOpenAi(12)).chat("Say hello.");

        assertThat(r.text()).isNotBlank();
        assertThat(r.usage().inputTokens()).isGreaterThan(3);
        assertThat(r.usage().outputTokens()).isBetween(1L, 12L);
    }

    @Test
    void aBootApplicationWithSpringAisOpenAiAutoConfigurationGetsTheServersModelAsALanguageModel() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class,
                        WebClientAutoConfiguration.class, SpringAiRetryAutoConfiguration.class,
                        ToolCallingAutoConfiguration.class, OpenAiChatAutoConfiguration.class,
                        PromptOptimizerAutoConfiguration.class))
                .withPropertyValues("spring.ai.openai.base-url=" + server.rootUrl(), "spring.ai.openai.api-key=unused",
                        "spring.ai.openai.chat.options.model=smollm2-135m", "spring.ai.openai.chat.options.temperature=0",
                        "spring.ai.openai.chat.options.max-tokens=8", "spring.ai.retry.max-attempts=1",
                        "promptopt.model-name=local:/smollm2-135m")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(OpenAiChatModel.class)
                            .hasSingleBean(LanguageModel.class);
                    LanguageModel model = context.getBean(LanguageModel.class);
                    assertThat(model.name()).isEqualTo("local:/smollm2-135m");
                    PredictFn predict = (inputs, prompts) -> model.chat(prompts.get("sentiment").format(inputs)).text();
                    EvaluationResult result = Evaluation.of(predict)
                            .prompts(PromptSet.of("sentiment", PromptTemplate.text(SEED))).data(TRAIN)
                            .scorers(Scorers.containsReference()).maxConcurrency(2).run();
                    assertThat(result.failures()).as(result.table()).isZero();
                    ModelResponse r = model.chat("Say hello.");
                    assertThat(r.text()).isNotBlank();
                    assertThat(r.usage().complete()).as("the server reports both counts").isTrue();
                    assertThat(r.usage().outputTokens()).isBetween(1L, 8L);
                });
    }

    @Test
    void theSpringAiOpenAiProviderRunsAnEvaluation() {
        UsageMeter meter = new UsageMeter(CostTable.defaults());
        LanguageModel model = meter.meter(Models.resolve("spring-ai-openai:/smollm2-135m",
                Map.of("baseUrl", server.baseUrl(), "apiKey", "unused", "temperature", "0", "maxTokens", "8")), ModelRole.TASK);
        PredictFn predict = (inputs, prompts) -> model.chat(prompts.get("sentiment").format(inputs)).text();

        EvaluationResult result = Evaluation.of(predict)
                .prompts(PromptSet.of("sentiment", PromptTemplate.text(SEED)))
                .data(TRAIN)
                .scorers(Scorers.containsReference())
                .maxConcurrency(4)
                .run();

        assertThat(result.rows()).hasSize(4);
        assertThat(result.failures()).as(result.table()).isZero();
        assertThat(result.rows()).allSatisfy(row -> assertThat(String.valueOf(row.output())).isNotBlank());
        assertThat(meter.calls(ModelRole.TASK)).isEqualTo(4);
        assertThat(meter.usage(ModelRole.TASK).inputTokens()).isGreaterThan(4 * 20);
    }

    @Test
    void gepaOptimizesAPromptForASpringAiChatModelEndToEnd(@TempDir Path runs) {
        UsageMeter meter = new UsageMeter(CostTable.defaults());
        LanguageModel target = meter.meter(SpringAi.model(springOpenAi(8)), ModelRole.TASK);
        LanguageModel reflector = meter.meter(SpringAi.model(springOpenAi(40)), ModelRole.REFLECTION);
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", PromptTemplate.text(SEED));
        PredictFn predict = (inputs, prompts) -> target.chat(prompts.get("sentiment").format(inputs)).text();

        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry)
                .prompts("prompts:/sentiment/1")
                .predictFn(predict)
                .trainData(TRAIN)
                .validationData(VALIDATION)
                .scorers(Scorers.containsReference())
                .optimizer(new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(8)
                        .reflectionMinibatchSize(2).noImprovementIterations(1)))
                .maxConcurrency(4)
                .randomSeed(7)
                .runDirectory(runs)
                .run();

        assertThat(result.metricCalls()).isBetween(3L, 8L + 2L);
        assertThat(result.initialScore()).isBetween(0.0, 1.0);
        assertThat(result.finalScore()).isGreaterThanOrEqualTo(result.initialScore());
        assertThat(result.candidates()).isNotEmpty();
        assertThat(result.candidates().get(0).origin()).isEqualTo("seed");
        // every metric call went through Spring AI's client to the server, and GEPA reflected through it too
        assertThat(meter.calls(ModelRole.TASK)).isEqualTo(result.metricCalls());
        assertThat(meter.calls(ModelRole.REFLECTION)).isGreaterThanOrEqualTo(1);
        assertThat(meter.usage(ModelRole.REFLECTION).outputTokens()).isGreaterThan(0);
        if (!result.optimizedPrompts().isEmpty()) {
            assertThat(registry.load("prompts:/sentiment/2").template().text()).contains("{{text}}");
        }
    }
}
