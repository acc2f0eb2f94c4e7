package dev.promptopt.springai.internal;

import dev.promptopt.HttpRetryRules;
import dev.promptopt.ModelException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spring AI's failures as {@link ModelException}s, in one place. Spring AI's default HTTP error handler throws
 * {@code NonTransientAiException} for every 4xx, including 429 (rate limited) and 408 (timeout), so the HTTP
 * status at the start of its message decides those, by the library's one rule ({@link HttpRetryRules}).
 */
public final class SpringAiErrors {
    private static final Pattern LEADING_STATUS = Pattern.compile("^\\s*(?:HTTP\\s*)?(\\d{3})\\b");
    /** Secrets that providers echo in error bodies: bearer tokens and OpenAI-style keys. */
    private static final Pattern SECRET = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._\\-]{8,}|sk-[A-Za-z0-9_\\-]{8,}");

    private SpringAiErrors() {
    }

    public static ModelException translate(String model, RuntimeException e) {
        if (e instanceof ModelException me) {
            return me;
        }
        String message = redact(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        String kind = e.getClass().getSimpleName();
        String text = model + ": " + kind + ": " + message;
        if (kind.equals("TransientAiException") || hasCause(e, IOException.class)
                || kind.equals("ResourceAccessException")) {
            return ModelException.retriable(text, e);
        }
        Integer status = leadingStatus(message);
        if (status == null) {
            return ModelException.permanent(text, e);
        }
        if (status == 401 || status == 403) {
            return ModelException.permanent(text + " (check the API key)", e);
        }
        return ModelException.ofStatus(status, text, e);
    }

    static Integer leadingStatus(String message) {
        Matcher m = LEADING_STATUS.matcher(message);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    static String redact(String text) {
        Matcher m = SECRET.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, m.group(1) != null ? "$1<redacted>" : "<redacted>");
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
