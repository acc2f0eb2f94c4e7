package dev.promptopt.langchain4j.anthropic.internal;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.HostedModelProvider;
import java.util.function.Function;

/** {@code anthropic:/<model>}: ANTHROPIC_API_KEY (required), ANTHROPIC_BASE_URL. */
public final class AnthropicProvider extends HostedModelProvider {
    public AnthropicProvider() {
        this(System::getenv);
    }

    public AnthropicProvider(Function<String, String> env) {
        super("anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", true, env);
    }

    @Override
    protected ChatModel chatModel(HostedModelBuilder.Settings s) {
        AnthropicChatModel.AnthropicChatModelBuilder b = AnthropicChatModel.builder()
                .httpClientBuilder(s.httpClientBuilder()).modelName(s.model()).apiKey(s.apiKey()).timeout(s.timeout())
                .maxRetries(0);
        s.applyOptional(b::baseUrl, b::temperature, b::maxTokens);
        return b.build();
    }
}
