package dev.promptopt.langchain4j.ollama;

import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.ollama.internal.OllamaProvider;

/**
 * Models served by Ollama through langchain4j's Ollama client, with retries, timeouts and rate limits
 * ({@link HostedModelBuilder}). The same models resolve from {@code ollama:/<model>} through {@code Models.resolve}.
 *
 * <pre>{@code
 * LanguageModel target = OllamaModels.ollama("llama3.2").baseUrl("http://localhost:11434").build();
 * }</pre>
 */
public final class OllamaModels {
    private OllamaModels() {
    }

    /** An Ollama model; the server from {@code OLLAMA_BASE_URL}, default {@code http://localhost:11434}. */
    public static HostedModelBuilder ollama(String model) {
        return new OllamaProvider().builder(model);
    }
}
