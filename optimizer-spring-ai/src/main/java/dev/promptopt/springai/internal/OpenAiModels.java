package dev.promptopt.springai.internal;

import dev.promptopt.LanguageModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.retry.support.RetryTemplate;

/** Builds Spring AI's OpenAI client; loaded only once spring-ai-openai is known to be on the classpath. */
public final class OpenAiModels {
    private OpenAiModels() {
    }

    public static LanguageModel create(String name, String model, String baseUrl, String apiKey, Double temperature,
                                       Integer maxTokens) {
        OpenAiApi api = OpenAiApi.builder().baseUrl(baseUrl).apiKey(apiKey).build();
        OpenAiChatOptions.Builder options = OpenAiChatOptions.builder().model(model);
        if (temperature != null) {
            options.temperature(temperature);
        }
        if (maxTokens != null) {
            options.maxTokens(maxTokens);
        }
        OpenAiChatOptions built = options.build();
        OpenAiChatModel chatModel = OpenAiChatModel.builder()
                .openAiApi(api)
                .defaultOptions(built)
                // one attempt: the caller's retry policy decides, and a failure surfaces at once
                .retryTemplate(RetryTemplate.builder().maxAttempts(1).build())
                .build();
        return new SpringAiChatModel(chatModel, null, name);
    }
}
