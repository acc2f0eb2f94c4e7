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
