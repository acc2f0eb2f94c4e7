package dev.promptopt;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redaction of credentials, applied wherever a model URI, a configuration or an error text is written, logged,
 * displayed or sent to another model.
 *
 * <p>Two layers: the exact secret values in play (registered when a model URI is resolved or a key is read from the
 * environment) are replaced wherever they appear, including in an error body a provider echoes back; and patterns
 * catch what was never registered: credential options in URIs ({@code ?apiKey=...}), user info in URLs
 * ({@code https://user:password@host}), {@code Authorization} / {@code Bearer} values and JSON credential fields.
 *
 * <pre>{@code
 * Secrets.redact("openai:/gpt-4o?apiKey=sk-123")  // "openai:/gpt-4o?apiKey=***"
 * Secrets.modelName("openai:/gpt-4o?apiKey=sk-123") // "openai:/gpt-4o"
 * }</pre>
 */
public final class Secrets {
    /** What a secret is replaced with. */
    public static final String MASK = "***";

    /** Registered values shorter than this are left to the patterns (a 3-letter "key" would scrub ordinary words). */
    static final int MIN_REGISTERED_LENGTH = 6;

    private static final String NAMES = "api[_-]?key|x-api-key|access[_-]?token|auth[_-]?token|id[_-]?token|token"
            + "|key|password|passwd|pwd|secret|client[_-]?secret|credentials?|sig|signature";
    private static final Set<String> SENSITIVE_OPTIONS = Set.of("apikey", "api_key", "api-key", "x-api-key",
            "accesstoken", "access_token", "access-token", "authtoken", "auth_token", "auth-token", "idtoken", "id_token",
            "token", "key", "password", "passwd", "pwd", "secret", "clientsecret", "client_secret", "client-secret",
            "credential", "credentials", "authorization", "sig", "signature");

    private static final Pattern QUERY = Pattern.compile("(?i)(?<=[?&;])(" + NAMES + ")=([^&\\s\"'#<>]+)");
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s@\"'<>?#]+@");
    /** A token: 8 or more token characters with a digit or base64 padding among them, so prose ("basic rules") is left alone. */
    private static final String TOKEN = "(?=[A-Za-z0-9._~+/=-]*[0-9=])[A-Za-z0-9._~+/=-]{8,}";
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+" + TOKEN);
    /** After an authorization header name, any scheme value is a credential. */
    private static final Pattern HEADER_SCHEME = Pattern.compile(
            "(?i)\\b((?:proxy-)?authorization\"?\\s*[:=]\\s*\"?(?:bearer|basic)\\s+)(?!\\*\\*\\*)[A-Za-z0-9._~+/=-]+");
    private static final Pattern HEADER = Pattern.compile(
            "(?i)\\b(authorization|x-api-key|api-key|proxy-authorization)(\"?\\s*[:=]\\s*\"?)(?!bearer\\b|basic\\b)" + TOKEN);
    private static final Pattern JSON_FIELD = Pattern.compile(
            "(?i)(\"(?:" + NAMES + ")\"\\s*:\\s*\")(?!\\*\\*\\*\")((?:[^\"\\\\]|\\\\.)+)(\")");

    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();
    private static volatile List<String> longestFirst = List.of();

    private Secrets() {
    }

    /**
     * Remembers a secret value in play (an API key, a password) so that {@link #redact} scrubs it wherever it appears,
     * also URL-encoded. Values shorter than 6 characters are left to the patterns.
     */
    public static void register(String secret) {
        if (secret == null) {
            return;
        }
        String s = secret.strip();
        if (s.length() < MIN_REGISTERED_LENGTH || s.equals(MASK)) {
            return;
        }
        boolean added = KNOWN.add(s);
        String encoded = URLEncoder.encode(s, StandardCharsets.UTF_8);
        added |= KNOWN.add(encoded);
        if (added) {
            synchronized (KNOWN) {
                List<String> sorted = new ArrayList<>(KNOWN);
                sorted.sort(Comparator.comparingInt(String::length).reversed());
                longestFirst = List.copyOf(sorted);
            }
        }
    }

    /** Whether an option name holds a credential ({@code apiKey}, {@code token}, {@code password}, ...). */
    public static boolean isSensitiveOption(String name) {
        return name != null && SENSITIVE_OPTIONS.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Registers the credentials a model URI or an options map carries: values of credential options and the user info
     * of any URL among the values (e.g. a {@code baseUrl}).
     */
    public static void registerFrom(String uri, Map<String, String> options) {
        if (uri != null) {
            int q = uri.indexOf('?');
            if (q >= 0) {
                for (String pair : uri.substring(q + 1).split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        registerOption(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
            registerUserInfo(uri);
        }
        if (options != null) {
            options.forEach(Secrets::registerOption);
        }
    }

    private static void registerOption(String name, String value) {
        if (value == null) {
            return;
        }
        if (isSensitiveOption(name)) {
            register(value);
            register(URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        registerUserInfo(value);
    }

    private static void registerUserInfo(String text) {
        Matcher m = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://([^/\\s@\"'<>?#]+)@").matcher(text);
        while (m.find()) {
            String info = m.group(1);
            int colon = info.indexOf(':');
            String password = colon >= 0 ? info.substring(colon + 1) : info;
            register(password);
            register(percentDecoded(password)); // as an HTTP client sends it (e.g. in a Basic header)
            if (colon >= 0) {
                register(info);
                register(percentDecoded(info));
            }
        }
    }

    /** A URL part with its %XX escapes decoded ('+' stays '+', as in a URL's user info); the text when malformed. */
    private static String percentDecoded(String part) {
        try {
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return part;
        }
    }

    /** The text with every known secret and every credential-looking value replaced by {@value #MASK}; null stays null. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : longestFirst) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        out = QUERY.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "=" + MASK));
        out = USER_INFO.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
        out = HEADER_SCHEME.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        out = BEARER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " " + MASK));
        out = HEADER.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        out = JSON_FIELD.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + m.group(3)));
        return out;
    }

    /** Whether {@link #redact} would change the text. */
    public static boolean containsSecret(String text) {
        return text != null && !redact(text).equals(text);
    }

    /**
     * The model's name from a model URI, for anything named after a model (a prompt, a folder): the URI without its
     * options and without user info, e.g. {@code openai:/gpt-4o} for {@code openai:/gpt-4o?apiKey=...}.
     */
    public static String modelName(String modelUri) {
        if (modelUri == null) {
            return null;
        }
        int q = modelUri.indexOf('?');
        String name = q >= 0 ? modelUri.substring(0, q) : modelUri;
        return redact(USER_INFO.matcher(name).replaceAll(m -> Matcher.quoteReplacement(m.group(1))));
    }

    /**
     * A copy of a throwable fit for logs and stack traces: the same class name, stack and cause chain, every message
     * redacted. Returns the throwable itself when no message in its chain holds a secret.
     */
    public static Throwable redacted(Throwable t) {
        if (t == null || !chainHoldsSecret(t)) {
            return t;
        }
        return copy(t, 0);
    }

    private static boolean chainHoldsSecret(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (containsSecret(c.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static Throwable copy(Throwable t, int depth) {
        Throwable cause = t.getCause() == null || t.getCause() == t || depth > 20 ? null : copy(t.getCause(), depth + 1);
        RedactedThrowable r = new RedactedThrowable(t.getClass().getName()
                + (t.getMessage() == null ? "" : ": " + redact(t.getMessage())), cause);
        r.setStackTrace(t.getStackTrace());
        return r;
    }

    /** Stands in for a throwable whose message held a secret; its message starts with the original class name. */
    static final class RedactedThrowable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedactedThrowable(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
