package dev.promptopt;

/**
 * A language model call failed. {@link #retriable()} tells a transient failure (rate limit,
 * server error, timeout) from a permanent one (authentication, bad request), which retrying cannot fix.
 *
 * <pre>{@code
 * throw ModelException.permanent("openai:/gpt-4o-mini: 401 Unauthorized (check OPENAI_API_KEY)");
 * }</pre>
 */
public class ModelException extends PromptOptimizerException {
    private final boolean retriable;

    private ModelException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    public static ModelException retriable(String message) {
        return new ModelException(message, true, null);
    }

    public static ModelException retriable(String message, Throwable cause) {
        return new ModelException(message, true, cause);
    }

    public static ModelException permanent(String message) {
        return new ModelException(message, false, null);
    }

    public static ModelException permanent(String message, Throwable cause) {
        return new ModelException(message, false, cause);
    }

    /** Whether the same call may succeed if tried again later. */
    public boolean retriable() {
        return retriable;
    }
}
