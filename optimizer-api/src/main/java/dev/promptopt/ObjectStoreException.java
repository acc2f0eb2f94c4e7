package dev.promptopt;

/**
 * An object store operation failed: a missing key, a denied access, an I/O error.
 *
 * <pre>{@code
 * catch (ObjectStoreException e) { // names the store and the key
 * }
 * }</pre>
 */
public class ObjectStoreException extends PromptOptimizerException {
    public ObjectStoreException(String message) {
        super(message);
    }

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
