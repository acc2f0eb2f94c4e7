package dev.promptopt.springai;

import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelProvider;
import dev.promptopt.springai.internal.OpenAiModels;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code spring-ai-openai:/<model>} URIs: Spring AI's own OpenAI client ({@code OpenAiChatModel}) for OpenAI or
 * any OpenAI-compatible server (llama.cpp, vLLM, Ollama). Needs {@code org.springframework.ai:spring-ai-openai}
 * on the classpath.
 *
 * <pre>{@code
 * LanguageModel m = Models.resolve("spring-ai-openai:/gpt-4o-mini");        // OPENAI_API_KEY from the environment
 * LanguageModel local = Models.resolve("spring-ai-openai:/smollm2",
 *         Map.of("baseUrl", "http://127.0.0.1:8080", "apiKey", "unused", "temperature", "0"));
 * }</pre>
 *
 * <p>Options: {@code baseUrl} (default {@code https://api.openai.com}; a trailing {@code /v1} is accepted),
 * {@code apiKey} (default: environment {@code PROMPTOPT_SPRING_AI_OPENAI_API_KEY}, then {@code OPENAI_API_KEY}),
 * {@code temperature}, {@code maxTokens}. The client makes one attempt per call: retries belong to the caller.
 */
public final class SpringAiOpenAiProvider implements ModelProvider {
    static final String SCHEME = "spring-ai-openai";
    private static final Set<String> KNOWN = Set.of("baseUrl", "apiKey", "temperature", "maxTokens");

    private final Function<String, String> env;

    public SpringAiOpenAiProvider() {
        this(System::getenv);
    }

    /** With an explicit environment, for tests. */
    public SpringAiOpenAiProvider(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public LanguageModel create(String model, Map<String, String> options) {
        Map<String, String> o = new LinkedHashMap<>(options);
        for (String key : o.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new InvalidInputException(SCHEME + ":/" + model + ": unknown option '" + key
                        + "'; expected one of " + new java.util.TreeSet<>(KNOWN));
            }
        }
        try {
            Class.forName("org.springframework.ai.openai.OpenAiChatModel", false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw ModelException.permanent(SCHEME + ":/" + model
                    + ": org.springframework.ai:spring-ai-openai is not on the classpath; add it to use this provider", e);
        }
        String apiKey = o.get("apiKey");
        if (apiKey == null) {
            apiKey = firstNonBlank(env.apply("PROMPTOPT_SPRING_AI_OPENAI_API_KEY"), env.apply("OPENAI_API_KEY"));
        }
        if (apiKey == null) {
            throw new InvalidInputException(SCHEME + ":/" + model
                    + ": no API key; set OPENAI_API_KEY or PROMPTOPT_SPRING_AI_OPENAI_API_KEY, or pass the apiKey option");
        }
        String baseUrl = o.getOrDefault("baseUrl", "https://api.openai.com");
        if (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        if (baseUrl.endsWith("/v1")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 3);   // Spring AI appends /v1/chat/completions
        }
        Double temperature = o.containsKey("temperature") ? parseDouble(model, "temperature", o.get("temperature")) : null;
        Integer maxTokens = o.containsKey("maxTokens") ? parseInt(model, "maxTokens", o.get("maxTokens")) : null;
        return OpenAiModels.create(SCHEME + ":/" + model, model, baseUrl, apiKey, temperature, maxTokens);
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }

    private static double parseDouble(String model, String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(SCHEME + ":/" + model + ": option " + key + " must be a number, found '"
                    + value + "'");
        }
    }

    private static int parseInt(String model, String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(SCHEME + ":/" + model + ": option " + key
                    + " must be a whole number, found '" + value + "'");
        }
    }
}
