package dev.promptopt.springai.boot;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code promptopt.*} properties of a Spring Boot application. Every one is optional.
 *
 * <pre>{@code
 * promptopt.registry-directory=prompts          # a PromptRegistry kept in this folder (default: in memory)
 * promptopt.run-directory=promptopt-runs        # checkpoints, journals and results of runs (default: the engine's)
 * promptopt.max-concurrency=8                   # calls in flight at once per run (default: the engine's)
 * promptopt.model-name=openai:/gpt-4o-mini      # the name the ChatModel goes by in cost tables, logs and metrics
 * }</pre>
 *
 * @param registryDirectory the folder of the application's {@code PromptRegistry}; null for one in memory
 * @param runDirectory      the folder of the runs the injected {@code PromptOptimizer.Builder} starts; null for the
 *                          engine's default
 * @param maxConcurrency    calls in flight at once per run, at least 1; null for the engine's default
 * @param modelName         the name of the {@code LanguageModel} made of the application's {@code ChatModel}, e.g.
 *                          {@code openai:/gpt-4o-mini} so that the cost table prices it; null for
 *                          {@code spring-ai:/<model>}
 */
@ConfigurationProperties("promptopt")
public record PromptOptimizerProperties(@Nullable Path registryDirectory, @Nullable Path runDirectory,
                                        @Nullable Integer maxConcurrency, @Nullable String modelName) {
    public PromptOptimizerProperties {
        if (maxConcurrency != null && maxConcurrency < 1) {
            throw new IllegalArgumentException("promptopt.max-concurrency must be at least 1, found " + maxConcurrency);
        }
        if (modelName != null && modelName.isBlank()) {
            throw new IllegalArgumentException("promptopt.model-name must not be blank; leave it out for the default "
                    + "spring-ai:/<model>");
        }
    }
}
