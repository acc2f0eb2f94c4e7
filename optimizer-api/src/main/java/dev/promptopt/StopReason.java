package dev.promptopt;

/**
 * Why an optimization stopped.
 *
 * <pre>{@code
 * if (result.stopReason().kind() == StopReason.Kind.METRIC_CALLS) { ... }
 * }</pre>
 *
 * @param kind        the stop condition that held
 * @param description a sentence for people, e.g. "metric call budget of 300 spent (300 used)"
 */
public record StopReason(Kind kind, String description) {
    /** The stop conditions. */
    public enum Kind {
        /** The optimizer finished its own search. */
        COMPLETED,
        METRIC_CALLS,
        WALL_TIME,
        STOP_FILE,
        NO_IMPROVEMENT,
        SCORE_THRESHOLD,
        COST,
        CANCELLED,
        FAILED
    }

    public static StopReason completed(String description) {
        return new StopReason(Kind.COMPLETED, description);
    }
}
