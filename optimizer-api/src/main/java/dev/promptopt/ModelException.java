package dev.promptopt;

/**
 * A language model call failed. It is either a {@link RetriableModelException} (rate limit, server error, timeout,
 * network), which the same call may overcome later, or a {@link NonRetriableModelException} (authentication, bad
 * request, unreadable answer), which retrying cannot fix. {@link #retriable()} tells them apart without a type test.
 * HTTP statuses are classified by {@link HttpRetryRules}.
 *
 * <pre>{@code
 * throw ModelException.permanent("openai:/gpt-4o-mini: 401 Unauthorized (check OPENAI_API_KEY)");
 * throw ModelException.ofStatus(503, "openai:/gpt-4o-mini: HTTP 503 Service Unavailable", cause);
 * catch (RetriableModelException e) { ... back off and try again ... }
 * }</pre>
 */
public abstract sealed class ModelException extends PromptOptimizerException
        permits RetriableModelException, NonRetriableModelException {

    ModelException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure the same call may overcome later. */
    public static RetriableModelException retriable(String message) {
        return new RetriableModelException(message, null);
    }

    /** A failure the same call may overcome later. */
    public static RetriableModelException retriable(String message, Throwable cause) {
        return new RetriableModelException(message, cause);
    }

    /** A failure retrying cannot fix. */
    public static NonRetriableModelException permanent(String message) {
        return new NonRetriableModelException(message, null);
    }

    /** A failure retrying cannot fix. */
    public static NonRetriableModelException permanent(String message, Throwable cause) {
        return new NonRetriableModelException(message, cause);
    }

    /** The failure an HTTP status means, retriable or not as {@link HttpRetryRules#retriable(int)} says. */
    public static ModelException ofStatus(int status, String message, Throwable cause) {
        return HttpRetryRules.retriable(status) ? retriable(message, cause) : permanent(message, cause);
    }

    /** Whether the same call may succeed if tried again later. */
    public abstract boolean retriable();
}
