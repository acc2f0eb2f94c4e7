package dev.promptopt.springai.boot;

import dev.promptopt.LanguageModel;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.springai.SpringAi;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;

/**
 * Spring Boot auto-configuration: in an application with this module and {@code optimizer-core} on the class path,
 * three beans, each only when the application defines none of its type.
 * <ul>
 *   <li>{@link PromptRegistry}: kept in {@code promptopt.registry-directory}, or in memory.</li>
 *   <li>{@link LanguageModel}: the application's one {@link ChatModel} (its own bean, or the one Spring AI's OpenAI,
 *       Anthropic or Ollama starter made), through {@link SpringAi}, named {@code promptopt.model-name}.</li>
 *   <li>{@link PromptOptimizer.Builder}, a prototype (a new builder at each injection), with the registry,
 *       {@code promptopt.run-directory} and {@code promptopt.max-concurrency} set: the application adds the
 *       prompts, predict function, data, scorers and optimizer. Those three are set already, and a builder
 *       refuses an option set twice.</li>
 * </ul>
 *
 * <pre>{@code
 * @Service
 * class PromptTuning {
 *     PromptTuning(ObjectProvider<PromptOptimizer.Builder> optimizers, LanguageModel model) { ... }
 *     OptimizationResult tune(Dataset data) {
 *         return optimizers.getObject().prompts("prompts:/support/1")
 *                 .predictFn((in, p) -> model.chat(p.get("support").format(in)).text())
 *                 .trainData(data).scorers(Scorers.exactMatch())
 *                 .optimizer(new Gepa(Gepa.options().reflectionModel(model))).run();
 *     }
 * }
 * }</pre>
 */
@AutoConfiguration(afterName = {
        "org.springframework.ai.model.openai.autoconfigure.OpenAiChatAutoConfiguration",
        "org.springframework.ai.model.anthropic.autoconfigure.AnthropicChatAutoConfiguration",
        "org.springframework.ai.model.ollama.autoconfigure.OllamaChatAutoConfiguration"})
@ConditionalOnClass(PromptOptimizer.class)
@EnableConfigurationProperties(PromptOptimizerProperties.class)
public class PromptOptimizerAutoConfiguration {
    /** The application's prompt registry: in {@code promptopt.registry-directory}, or in memory. */
    @Bean
    @ConditionalOnMissingBean
    public PromptRegistry promptOptimizerRegistry(PromptOptimizerProperties properties) {
        return properties.registryDirectory() == null ? PromptRegistry.inMemory()
                : PromptRegistry.inDirectory(properties.registryDirectory());
    }

    /** The application's chat model as a {@link LanguageModel}, when it has exactly one. */
    @Bean
    @ConditionalOnMissingBean(LanguageModel.class)
    @ConditionalOnSingleCandidate(ChatModel.class)
    public LanguageModel promptOptimizerLanguageModel(ChatModel chatModel, PromptOptimizerProperties properties) {
        SpringAi.Builder b = SpringAi.builder(chatModel);
        if (properties.modelName() != null) {
            b.name(properties.modelName());
        }
        return b.build();
    }

    /** A new builder for each injection, with the registry and the {@code promptopt.*} settings. */
    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    @ConditionalOnMissingBean
    public PromptOptimizer.Builder promptOptimizerBuilder(PromptRegistry registry,
                                                          PromptOptimizerProperties properties) {
        PromptOptimizer.Builder b = PromptOptimizer.builder().registry(registry);
        if (properties.runDirectory() != null) {
            b.runDirectory(properties.runDirectory());
        }
        if (properties.maxConcurrency() != null) {
            b.maxConcurrency(properties.maxConcurrency());
        }
        return b;
    }
}
