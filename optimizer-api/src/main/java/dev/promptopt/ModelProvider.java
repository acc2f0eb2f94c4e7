package dev.promptopt;

import dev.promptopt.spi.Services;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns {@code "provider:/model"} strings into models; found through {@link java.util.ServiceLoader} (see
 * {@link Services}). {@link #resolve(String)} is the lookup every module uses.
 *
 * <pre>{@code
 * LanguageModel reflector = ModelProvider.resolve("openai:/gpt-4o");
 * LanguageModel local = ModelProvider.resolve("local:/smollm2-135m", Map.of("temperature", "0"));
 *
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

    /** Resolves {@code "provider:/model"}, options allowed in the URI ({@code local:/smollm2-135m?maxTokens=64}). */
    static LanguageModel resolve(String uri) {
        return resolve(uri, Map.of());
    }

    /**
     * Resolves {@code "provider:/model"} through the provider of its scheme. Options may also ride in the URI,
     * {@code local:/smollm2-135m?maxTokens=64}, which is how configuration files set them; options passed in the
     * map win. Credentials in the URI or options are registered with {@link Secrets} before anything else.
     *
     * @throws InvalidInputException when the URI is malformed, a base URL is unusable, no provider claims the
     *                               scheme, or several do and {@code -Dpromptopt.provider.<scheme>} picks none
     */
    static LanguageModel resolve(String uri, Map<String, String> options) {
        Secrets.registerFrom(uri, options);
        int query = uri == null ? -1 : uri.indexOf('?');
        if (query >= 0) {
            Map<String, String> merged = new LinkedHashMap<>();
            for (String pair : uri.substring(query + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidInputException("invalid model URI '" + Secrets.redact(uri) + "': option '"
                            + Secrets.redact(pair) + "' is not <name>=<value>");
                }
                merged.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            merged.putAll(options);
            return resolve(uri.substring(0, query), merged);
        }
        int sep = uri == null ? -1 : uri.indexOf(":/");
        if (sep <= 0 || sep + 2 >= uri.length()) {
            throw new InvalidInputException("invalid model URI '" + Secrets.redact(uri)
                    + "': expected <provider>:/<model>, e.g. openai:/gpt-4o-mini");
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            if (o.getKey().equalsIgnoreCase("baseUrl")) {
                String problem = baseUrlProblem(o.getValue());
                if (problem != null) {
                    throw new InvalidInputException("model " + Secrets.modelName(uri) + ": " + problem);
                }
            }
        }
        return forScheme(uri.substring(0, sep)).create(uri.substring(sep + 2), options);
    }

    /**
     * The provider of a scheme.
     *
     * @throws InvalidInputException when none claims it (naming the known ones), or several do and the system
     *                               property {@code promptopt.provider.<scheme>} does not name one of them
     */
    static ModelProvider forScheme(String scheme) {
        return Services.named(ModelProvider.class, ModelProvider::scheme, scheme, "model provider",
                "promptopt.provider." + scheme).orElseThrow(() -> new InvalidInputException("no model provider for '"
                + scheme + ":/' on the classpath (known: " + Services.names(ModelProvider.class, ModelProvider::scheme)
                + "); add " + moduleFor(scheme)));
    }

    /** The Maven artifact that brings a scheme's provider, for the error when none is on the classpath. */
    private static String moduleFor(String scheme) {
        return switch (scheme) {
            case "openai", "openai-compatible" -> "the Maven artifact dev.promptopt:optimizer-langchain4j-openai";
            case "anthropic" -> "the Maven artifact dev.promptopt:optimizer-langchain4j-anthropic";
            case "ollama" -> "the Maven artifact dev.promptopt:optimizer-langchain4j-ollama";
            case "local" -> "the Maven artifact dev.promptopt:optimizer-llama";
            default -> "a module that provides it (a ModelProvider registered in META-INF/services)";
        };
    }

    /**
     * Why a base URL is not usable (not an absolute http or https URL with a host), or null when it is. The value is
     * shown redacted, since a base URL may carry user info.
     */
    static String baseUrlProblem(String url) {
        String shown = "'" + Secrets.redact(String.valueOf(url)) + "'";
        if (url == null || url.isBlank()) {
            return "baseUrl is empty: expected an http(s) URL such as http://localhost:8000/v1";
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            return "baseUrl " + shown + " is not a URL (" + Secrets.redact(e.getReason()) + "): expected an http(s) URL"
                    + " such as http://localhost:8000/v1";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getHost().isEmpty()) {
            return "baseUrl " + shown + " is not an http(s) URL with a host: expected e.g. http://localhost:8000/v1";
        }
        return null;
    }
}
