package dev.promptopt.langchain4j.internal;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RetriableException;
import dev.promptopt.HttpRetryRules;
import dev.promptopt.ModelException;
import dev.promptopt.Secrets;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The one place that decides whether a model failure is retriable (rate limit, server error, timeout,
 * network) or permanent (authentication, bad request, unreadable answer), and words its message.
 * Messages never contain request headers, and pass through {@link Secrets#redact} (a provider or proxy may echo
 * the key in its error body); causes are replaced by redacted copies when their messages hold a secret.
 */
public final class ModelErrors {
    private static final int MAX_BODY_CHARS = 300;

    private ModelErrors() {
    }

    /**
     * A {@link ModelException} for an HTTP status, retriable as {@link HttpRetryRules#retriable(int)} says (a chat
     * call is safe to repeat: a second answer only costs tokens).
     *
     * @param authHint what to check on 401/403, e.g. "check OPENAI_API_KEY"; may be null
     */
    public static ModelException fromStatus(String model, int status, String body, String authHint, Throwable cause) {
        StringBuilder msg = new StringBuilder(model).append(": HTTP ").append(status).append(' ')
                .append(HttpRetryRules.reason(status));
        if ((status == 401 || status == 403) && authHint != null) {
            msg.append(" (").append(authHint).append(')');
        }
        String excerpt = excerpt(body);
        if (!excerpt.isEmpty()) {
            msg.append(": ").append(excerpt);
        }
        return ModelException.ofStatus(status, Secrets.redact(msg.toString()), safeCause(cause));
    }

    private static ModelException retriable(String message, Throwable cause) {
        return ModelException.retriable(Secrets.redact(message), safeCause(cause));
    }

    private static ModelException permanent(String message, Throwable cause) {
        return ModelException.permanent(Secrets.redact(message), safeCause(cause));
    }

    /** The cause, or a redacted copy when a message in its chain holds a secret (keeping the Retry-After hint). */
    private static Throwable safeCause(Throwable cause) {
        Throwable safe = Secrets.redacted(cause);
        if (safe == cause) {
            return cause;
        }
        HttpStatusException http = find(cause, HttpStatusException.class);
        if (http != null) {
            HttpStatusException copy = new HttpStatusException(http.statusCode(), Secrets.redact(http.getMessage()),
                    http.retryAfter().orElse(null));
            copy.setStackTrace(http.getStackTrace());
            return copy;
        }
        return safe;
    }

    /** Translates any failure of a model call into a {@link ModelException} (returned as is if it already is one). */
    public static ModelException translate(String model, Throwable t, String authHint) {
        if (t instanceof ModelException me) {
            return me;
        }
        HttpException http = find(t, HttpException.class);
        if (http != null) {
            return fromStatus(model, http.statusCode(), http.getMessage(), authHint, t);
        }
        if (find(t, HttpTimeoutException.class) != null || find(t, TimeoutException.class) != null
                || find(t, dev.langchain4j.exception.TimeoutException.class) != null) {
            return retriable(model + ": timed out waiting for the answer", t);
        }
        if (find(t, com.fasterxml.jackson.core.JsonProcessingException.class) != null) {
            return permanent(model + ": malformed response body, not the expected JSON ("
                    + firstLine(find(t, com.fasterxml.jackson.core.JsonProcessingException.class).getOriginalMessage()) + ")", t);
        }
        if (t instanceof RetriableException || find(t, IOException.class) != null) {
            return retriable(model + ": " + describe(t), t);
        }
        if (t instanceof NonRetriableException) {
            return permanent(model + ": " + describe(t), t);
        }
        return permanent(model + ": call failed: " + describe(t), t);
    }

    /** The Retry-After hint anywhere in a failure's cause chain. */
    public static Optional<Duration> retryAfter(Throwable t) {
        HttpStatusException e = find(t, HttpStatusException.class);
        return e == null ? Optional.empty() : e.retryAfter();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + firstLine(m));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return excerpt(nl < 0 ? s : s.substring(0, nl));
    }

    private static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String b = body.strip().replaceAll("\\s+", " ");
        return b.length() <= MAX_BODY_CHARS ? b : b.substring(0, MAX_BODY_CHARS) + "...";
    }
}
