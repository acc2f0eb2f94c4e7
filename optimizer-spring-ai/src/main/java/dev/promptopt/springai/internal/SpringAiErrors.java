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
        Throwable cause = withoutSecrets(e);
        if (kind.equals("TransientAiException") || hasCause(e, IOException.class)
                || kind.equals("ResourceAccessException")) {
            return ModelException.retriable(text, cause);
        }
        Integer status = leadingStatus(message);
        if (status == null) {
            return ModelException.permanent(text, cause);
        }
        if (status == 401 || status == 403) {
            return ModelException.permanent(text + " (check the API key)", cause);
        }
        return ModelException.ofStatus(status, text, cause);
    }

    /**
     * The exception to keep as the cause: itself when no message in its chain holds a secret, else a stand-in
     * with the redacted messages and the same stack, so a logged stack trace cannot leak the key either.
     */
    static Throwable withoutSecrets(Throwable e) {
        boolean clean = true;
        for (Throwable t = e; t != null && clean; t = t.getCause()) {
            clean = t.getMessage() == null || redact(t.getMessage()).equals(t.getMessage());
        }
        if (clean) {
            return e;
        }
        Throwable next = e.getCause() == null ? null : withoutSecrets(e.getCause());
        RedactedException copy = new RedactedException(e.getClass().getName() + ": "
                + (e.getMessage() == null ? "" : redact(e.getMessage())), next);
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** A provider exception whose message had a secret in it, with the secret redacted. */
    static final class RedactedException extends RuntimeException {
        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }
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
