package dev.promptopt.langchain4j.openai.internal;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.HostedModelProvider;
import java.util.function.Function;

/** {@code openai:/<model>}: OPENAI_API_KEY (required), OPENAI_BASE_URL. */
public final class OpenAiProvider extends HostedModelProvider {
    public OpenAiProvider() {
        this(System::getenv);
    }

    public OpenAiProvider(Function<String, String> env) {
        super("openai", "OPENAI_API_KEY", "OPENAI_BASE_URL", true, env);
    }

    @Override
    protected ChatModel chatModel(HostedModelBuilder.Settings s) {
        return openAiChatModel(s);
    }

    /**
     * The OpenAI client for OpenAI and for OpenAI-compatible servers; a missing key is sent as
     * {@link HostedModelBuilder#NO_KEY}, which a base URL's user info replaces.
     */
    static ChatModel openAiChatModel(HostedModelBuilder.Settings s) {
        OpenAiChatModel.OpenAiChatModelBuilder b = OpenAiChatModel.builder().httpClientBuilder(s.httpClientBuilder())
                .modelName(s.model()).apiKey(s.apiKey() == null ? HostedModelBuilder.NO_KEY : s.apiKey())
                .timeout(s.timeout()).maxRetries(0);
        s.applyOptional(b::baseUrl, b::temperature, b::maxTokens);
        return b.build();
    }
}
