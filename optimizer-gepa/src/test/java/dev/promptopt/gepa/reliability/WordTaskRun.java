package dev.promptopt.gepa.reliability;

import dev.promptopt.Budget;
import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.Models;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.gepa.Gepa;
import dev.promptopt.langchain4j.ResilientModel;
import dev.promptopt.langchain4j.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One GEPA run of the {@link WordTask} through the real {@code openai-compatible:/} provider (langchain4j's
 * OpenAI client over HTTP) wrapped in a {@link ResilientModel}: the same in the test JVM and in a child JVM.
 */
final class WordTaskRun {
    static final String PROMPT = "prompts:/words/1";

    private WordTaskRun() {
    }

    /** The provider with its own retries off, wrapped in our retries with short waits (a local server). */
    static LanguageModel model(String baseUrl, String name, int attempts, String timeoutSeconds) {
        LanguageModel http = Models.resolve("openai-compatible:/" + name,
                Map.of("baseUrl", baseUrl, "timeout", timeoutSeconds, "maxAttempts", "1"));
        return ResilientModel.builder(http).retryPolicy(RetryPolicy.ofDefaults().maxAttempts(attempts)
                .initialBackoff(Duration.ofMillis(2)).maxBackoff(Duration.ofMillis(10))).build();
    }

    static void registerSeed(Path dir) {
        PromptRegistry registry = PromptRegistry.inDirectory(dir.resolve("prompts"));
        if (registry.versions("words").isEmpty()) {
            registry.register("words", WordTask.SEED_TEMPLATE);
        }
    }

    /**
     * @param timeoutSeconds the HTTP client's timeout per attempt
     * @param structured whether the predict function returns a {@link WordTask.Answer} record instead of text
     *                   (its journaled form is a JSON object, which reflection must render as it did live)
     */
    static OptimizationResult run(String baseUrl, Path dir, String runId, boolean resume, int attempts,
                                  String timeoutSeconds, boolean structured) {
        registerSeed(dir);
        LanguageModel target = model(baseUrl, WordTask.TARGET, attempts, timeoutSeconds);
        LanguageModel reflector = model(baseUrl, WordTask.REFLECTOR, attempts, timeoutSeconds);
        PredictFn predict = (inputs, prompts) -> {
            String text = target.chat(List.of(ChatMessage.user(prompts.get("words").format(inputs)))).text().strip();
            return structured ? new WordTask.Answer(text, text.length(), text.length() / 8.0) : text;
        };
        PromptOptimizer.Builder b = PromptOptimizer.builder()
                .registry(PromptRegistry.inDirectory(dir.resolve("prompts")))
                .prompts(PROMPT)
                .predictFn(predict)
                .trainData(WordTask.train(3))
                .validationData(WordTask.validation(3, 2))
                .scorers(WordTask.scorer())
                .optimizer(new Gepa(Gepa.options().reflectionModel(reflector)))
                .budget(Budget.metricCalls(300))
                .maxConcurrency(4)
                .randomSeed(3)
                .runDirectory(dir.resolve("runs"));
        return (resume ? b.resume(runId) : b.runId(runId)).build().run();
    }
}
