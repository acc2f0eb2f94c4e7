package dev.promptopt.mlflow;

import dev.promptopt.PromptOptimizerException;

/**
 * A call to MLflow failed. {@link #retriable()} tells a transient failure (server unreachable, or a status
 * {@link dev.promptopt.HttpRetryRules} calls retriable: 408, 425, 429, most 5xx) from a permanent one (bad request,
 * authentication, not found). A call that is not idempotent ({@code runs/create}, {@code model-versions/create})
 * and failed after reaching the server is not retriable: the server may have acted on it, and the message says to
 * look for what it created before trying again. Messages name the server and the call; they never carry credentials.
 *
 * <pre>{@code
 * try { tracker.startRun("sentiment", "run-1", Map.of()); }
 * catch (MlflowException e) { if (e.retriable()) { ... try later ... } }
 * }</pre>
 */
public class MlflowException extends PromptOptimizerException {
    private final int statusCode;
    private final String errorCode;
    private final boolean retriable;

    public MlflowException(String message, int statusCode, String errorCode, boolean retriable, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
        this.errorCode = errorCode == null ? "" : errorCode;
        this.retriable = retriable;
    }

    /** The server cannot be reached (refused, timed out, DNS). */
    public static MlflowException unreachable(String server, String call, Throwable cause) {
        String why = cause.getMessage() == null || cause.getMessage().isBlank()
                ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof java.net.ConnectException) {
            why = "connection refused";
        } else if (cause instanceof java.net.http.HttpTimeoutException) {
            why = "timed out";
        }
        return new MlflowException("cannot reach MLflow at " + server + ": " + why + " (" + call
                + "); is the server running?", 0, "", true, cause);
    }

    /** HTTP status of the failed call; 0 when the server gave no answer. */
    public int statusCode() {
        return statusCode;
    }

    /** MLflow's error code, e.g. {@code RESOURCE_DOES_NOT_EXIST}; empty when none. */
    public String errorCode() {
        return errorCode;
    }

    /** Whether sending the same call again later may succeed, and is safe (it cannot act twice). */
    public boolean retriable() {
        return retriable;
    }
}
