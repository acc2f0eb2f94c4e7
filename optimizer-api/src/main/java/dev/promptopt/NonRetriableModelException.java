package dev.promptopt;

/**
 * A model call failed in a way retrying cannot fix: authentication refused, a bad request, an unknown model, an
 * answer that is not what the protocol promises. Created through {@link ModelException#permanent(String, Throwable)}.
 *
 * <pre>{@code
 * catch (NonRetriableModelException e) { log.error("fix the configuration: {}", e.getMessage()); }
 * }</pre>
 */
public final class NonRetriableModelException extends ModelException {
    NonRetriableModelException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retriable() {
        return false;
    }
}
