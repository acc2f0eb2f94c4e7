package dev.promptopt;

import java.util.Map;

/**
 * Turns {@code "provider:/model"} strings into models; found through {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * // META-INF/services/dev.promptopt.ModelProvider lists the implementation class
 * public final class MyProvider implements ModelProvider {
 *     public String scheme() { return "my"; }
 *     public LanguageModel create(String model, Map<String, String> options) { ... }
 * }
 * }</pre>
 */
public interface ModelProvider {
    /** The part before {@code :/}, e.g. {@code openai}. */
    String scheme();

    /**
     * A model of this provider.
     *
     * @param model   the part after {@code :/}, e.g. {@code gpt-4o-mini}
     * @param options provider options (base URL, temperature, ...); may be empty
     */
    LanguageModel create(String model, Map<String, String> options);
}
