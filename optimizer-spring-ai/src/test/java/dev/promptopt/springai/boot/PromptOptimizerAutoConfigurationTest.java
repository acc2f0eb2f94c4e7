package dev.promptopt.springai.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.gepa.Gepa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration in Spring application contexts: what it adds, what it leaves to the application. */
class PromptOptimizerAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PromptOptimizerAutoConfiguration.class));

    /**
     * A sentiment model in process: "positive" unless the instruction names both labels and the text lacks "love";
     * asked to rewrite an instruction (a prompt with a fenced block), it proposes one that names both labels.
     */
    static final class SentimentChatModel implements ChatModel {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public ChatResponse call(Prompt prompt) {
            calls.incrementAndGet();
            String text = prompt.getContents();
            String answer;
            if (text.contains("```")) {
                answer = "```\nClassify the sentiment of the text as positive or negative.\nText: {{text}}\n```";
            } else {
                answer = text.contains("positive or negative") && !text.contains("love") ? "negative" : "positive";
            }
            return new ChatResponse(List.of(new Generation(new AssistantMessage(answer))),
                    ChatResponseMetadata.builder().usage(new DefaultUsage(12, 2)).model("sentiment-7").build());
        }

        @Override
        public ChatOptions getDefaultOptions() {
            return ChatOptions.builder().model("sentiment-7").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneChatModel {
        @Bean
        SentimentChatModel chatModel() {
            return new SentimentChatModel();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRegistry {
        static final PromptRegistry REGISTRY = PromptRegistry.inMemory();

        @Bean
        PromptRegistry registry() {
            return REGISTRY;
        }
    }

    private static Dataset reviews() {
        return Dataset.of("reviews", List.of(
                Example.of("1", Map.of("text", "I love it"), "positive"),
                Example.of("2", Map.of("text", "I hate it"), "negative"),
                Example.of("3", Map.of("text", "love this"), "positive"),
                Example.of("4", Map.of("text", "awful"), "negative"),
                Example.of("5", Map.of("text", "so much love"), "positive"),
                Example.of("6", Map.of("text", "broken on arrival"), "negative")));
    }

    @Test
    void anApplicationWithAChatModelGetsAModelARegistryAndBuildersThatRunAnOptimization(@TempDir Path dir) {
        runner.withUserConfiguration(OneChatModel.class)
                .withPropertyValues("promptopt.registry-directory=" + dir.resolve("prompts"),
                        "promptopt.run-directory=" + dir.resolve("runs"), "promptopt.max-concurrency=2",
                        "promptopt.model-name=openai:/gpt-4o-mini")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LanguageModel.class)
                            .hasSingleBean(PromptRegistry.class);
                    LanguageModel model = context.getBean(LanguageModel.class);
                    assertThat(model.name()).isEqualTo("openai:/gpt-4o-mini");
                    assertThat(model.chat("Text: I love it").text()).isEqualTo("positive");

                    PromptRegistry registry = context.getBean(PromptRegistry.class);
                    registry.register("sentiment", "Classify the sentiment of the text.\nText: {{text}}");
                    assertThat(dir.resolve("prompts")).isDirectory();

                    PromptOptimizer.Builder one = context.getBean(PromptOptimizer.Builder.class);
                    assertThat(context.getBean(PromptOptimizer.Builder.class)).as("a new builder each time")
                            .isNotSameAs(one);
                    OptimizationResult result = one.prompts("prompts:/sentiment/1")
                            .predictFn((inputs, prompts) -> model.chat(prompts.get("sentiment").format(inputs)).text())
                            .trainData(reviews()).scorers(Scorers.exactMatch()).runId("boot-1")
                            .optimizer(new Gepa(Gepa.options().reflectionModel(model).maxMetricCalls(40)))
                            .run();

                    assertThat(result.initialScore()).isEqualTo(0.5);
                    assertThat(result.finalScore()).isEqualTo(1.0);
                    assertThat(result.optimizedPrompts()).isNotEmpty();
                    assertThat(registry.latest("sentiment").orElseThrow().template().text()).contains("positive or negative");
                    assertThat(dir.resolve("runs").resolve("boot-1")).isDirectory();
                    assertThat(Files.list(dir.resolve("runs").resolve("boot-1")).toList()).isNotEmpty();
                    assertThat(result.usage().roles()).isEmpty(); // no usage meter was set: nothing is claimed
                });
    }

    @Test
    void withoutAChatModelThereIsNoLanguageModelAndTheRegistryIsInMemory() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(LanguageModel.class).hasSingleBean(PromptRegistry.class)
                    .hasSingleBean(PromptOptimizer.Builder.class);
            PromptRegistry registry = context.getBean(PromptRegistry.class);
            assertThat(registry.register("p", "Say {{x}}").uri()).isEqualTo("prompts:/p/1");
        });
    }

    @Test
    void theApplicationsOwnRegistryIsTheOneTheBuildersUse() {
        runner.withUserConfiguration(OwnRegistry.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(PromptRegistry.class);
            assertThat(context.getBean(PromptRegistry.class)).isSameAs(OwnRegistry.REGISTRY);
        });
    }

    @Test
    void twoChatModelsGiveNoLanguageModelUnlessOneIsPrimary() {
        runner.withBean("first", ChatModel.class, SentimentChatModel::new)
                .withBean("second", ChatModel.class, SentimentChatModel::new)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LanguageModel.class));
        runner.withBean("first", ChatModel.class, SentimentChatModel::new, d -> d.setPrimary(true))
                .withBean("second", ChatModel.class, SentimentChatModel::new)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LanguageModel.class);
                    assertThat(context.getBean(LanguageModel.class).name()).isEqualTo("spring-ai:/sentiment-7");
                });
    }

    @Test
    void aBadPropertyFailsTheContextNamingIt() {
        runner.withPropertyValues("promptopt.max-concurrency=0").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessage("promptopt.max-concurrency must be at least 1, found 0"));
        runner.withPropertyValues("promptopt.model-name= ").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("promptopt.model-name must not be blank"));
    }
}
