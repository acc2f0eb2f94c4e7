package dev.promptopt.managed;

/**
 * Where an {@link Execution} stands (SAP's statuses): PENDING -> RUNNING -> COMPLETED, or FAILED / STOPPED.
 * A FAILED or STOPPED execution, or a RUNNING one whose process died, can be resumed.
 *
 * <pre>{@code
 * if (executions.status(id).status().isFinal()) { ... }
 * }</pre>
 */
public enum ExecutionStatus {
    PENDING, RUNNING, COMPLETED, FAILED, STOPPED;

    /** Whether nothing more happens without a resume. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == STOPPED;
    }
}
