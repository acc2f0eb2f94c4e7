package dev.promptopt;

/**
 * A model call failed in a way the same call may overcome later: rate limited, a server error, a timeout, a network
 * failure. Created through {@link ModelException#retriable(String, Throwable)}.
 *
 * <pre>{@code
 * catch (RetriableModelException e) { ... back off and try again ... }
 * }</pre>
 */
public final class RetriableModelException extends ModelException {
    RetriableModelException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retriable() {
        return true;
    }
}
