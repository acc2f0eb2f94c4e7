package dev.promptopt.langchain4j.ollama.internal;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.HostedModelProvider;
import java.util.function.Function;

/** {@code ollama:/<model>}: OLLAMA_BASE_URL (default http://localhost:11434); no key. */
public final class OllamaProvider extends HostedModelProvider {
    /** Where Ollama listens unless told otherwise. */
    public static final String DEFAULT_BASE_URL = "http://localhost:11434";

    public OllamaProvider() {
        this(System::getenv);
    }

    public OllamaProvider(Function<String, String> env) {
        super("ollama", null, "OLLAMA_BASE_URL", false, env);
    }

    @Override
    protected ChatModel chatModel(HostedModelBuilder.Settings s) {
        OllamaChatModel.OllamaChatModelBuilder b = OllamaChatModel.builder().httpClientBuilder(s.httpClientBuilder())
                .modelName(s.model()).baseUrl(s.baseUrl() == null ? DEFAULT_BASE_URL : s.baseUrl())
                .timeout(s.timeout()).maxRetries(0);
        if (s.temperature() != null) {
            b.temperature(s.temperature());
        }
        if (s.maxTokens() != null) {
            b.numPredict(s.maxTokens());
        }
        return b.build();
    }
}
