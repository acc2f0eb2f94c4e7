package dev.promptopt.core;

import dev.promptopt.LanguageModel;
import dev.promptopt.ModelProvider;
import java.util.Map;

/**
 * Resolves {@code "provider:/model"} strings to {@link LanguageModel}s through the
 * {@link ModelProvider}s on the classpath (optimizer-langchain4j-openai brings {@code openai} and
 * {@code openai-compatible}, optimizer-langchain4j-anthropic {@code anthropic}, optimizer-langchain4j-ollama
 * {@code ollama}, optimizer-llama {@code local}). The same lookup as {@link ModelProvider#resolve(String, Map)}, which
 * modules that compile against the API alone call.
 *
 * <pre>{@code
 * LanguageModel reflector = Models.resolve("openai:/gpt-4o");
 * LanguageModel local = Models.resolve("local:/smollm2-135m", Map.of("temperature", "0"));
 * }</pre>
 *
 * <p>Options may also ride in the URI, {@code local:/smollm2-135m?maxTokens=64}, which is how configuration
 * files set them; options passed in the map win.
 *
 * <p>When two providers claim the same scheme, resolution fails naming both, unless the system
 * property {@code promptopt.provider.<scheme>} names the class to use.
 */
public final class Models {
    private Models() {
    }

    public static LanguageModel resolve(String uri) {
        return ModelProvider.resolve(uri, Map.of());
    }

    public static LanguageModel resolve(String uri, Map<String, String> options) {
        return ModelProvider.resolve(uri, options);
    }

    /** The provider for a scheme. */
    public static ModelProvider provider(String scheme) {
        return ModelProvider.forScheme(scheme);
    }
}
