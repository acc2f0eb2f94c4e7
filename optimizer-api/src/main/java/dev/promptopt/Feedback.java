package dev.promptopt;

import java.util.Map;

/**
 * A scorer's verdict on one output: a value (normalized to [0,1] where the scorer can), the
 * rationale (what the reflection step learns from) and optional details.
 *
 * <pre>{@code
 * return Feedback.of(0.5, "2 of 4 fields match; 'date' differs: expected 2024-01-02, got 01/02/2024");
 * }</pre>
 */
public record Feedback(double value, String rationale, Map<String, Object> details) {
    public Feedback {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("feedback value must be a number, found NaN");
        }
        rationale = rationale == null ? "" : rationale;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public static Feedback of(double value, String rationale) {
        return new Feedback(value, rationale, Map.of());
    }

    public static Feedback pass(String rationale) {
        return new Feedback(1.0, rationale, Map.of());
    }

    public static Feedback fail(String rationale) {
        return new Feedback(0.0, rationale, Map.of());
    }

    public static Feedback of(boolean passed, String rationale) {
        return new Feedback(passed ? 1.0 : 0.0, rationale, Map.of());
    }
}
