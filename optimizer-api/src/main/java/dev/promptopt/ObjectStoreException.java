package dev.promptopt;

/**
 * An object store operation failed: a missing key, a denied access, an I/O error. The message names the store and
 * the key. {@link #retriable()} tells a transient failure (a throttled or failing server: a status
 * {@link HttpRetryRules} calls retriable) from one that repeating cannot fix (missing key or bucket, access denied).
 *
 * <pre>{@code
 * catch (ObjectStoreException e) { if (e.retriable()) { ... try later ... } }
 * }</pre>
 */
public class ObjectStoreException extends PromptOptimizerException {
    private final boolean retriable;

    /** A failure that repeating the operation cannot fix. */
    public ObjectStoreException(String message) {
        this(message, false, null);
    }

    /** A failure that repeating the operation cannot fix. */
    public ObjectStoreException(String message, Throwable cause) {
        this(message, false, cause);
    }

    /**
     * @param retriable whether the same operation may succeed later (see {@link HttpRetryRules#retriable(int)})
     */
    public ObjectStoreException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    /** Whether the same operation may succeed if tried again later. */
    public boolean retriable() {
        return retriable;
    }
}
