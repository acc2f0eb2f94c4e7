package dev.promptopt;

import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The result of one metric call: one example run through the predict function and every scorer.
 *
 * <pre>{@code
 * for (ExampleResult r : batch.results()) System.out.println(r.example().id() + " " + r.score() + " " + r.feedbackText());
 * }</pre>
 *
 * @param example  the example
 * @param output   what the predict function returned; null when it failed
 * @param feedback per scorer name, in the order the scorers were given
 * @param score    the aggregated score
 * @param error    the error message when the predict function or a scorer failed, else null
 * @param durationNanos time spent on this example (predict and scorers)
 * @param cached   whether this came from the run's cache instead of new calls
 * @param usage    the tokens and dollars of the example's metered model calls ({@link ExampleUsage#NONE} when
 *                 none was metered); a cached result keeps the usage of the calls that produced it
 */
public record ExampleResult(Example example, @Nullable Object output, Map<String, Feedback> feedback, double score,
                            @Nullable String error, long durationNanos, boolean cached, ExampleUsage usage) {
    public ExampleResult {
        feedback = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(feedback));
        usage = usage == null ? ExampleUsage.NONE : usage;
    }

    /** A result without measured usage. */
    public ExampleResult(Example example, Object output, Map<String, Feedback> feedback, double score,
                         String error, long durationNanos, boolean cached) {
        this(example, output, feedback, score, error, durationNanos, cached, ExampleUsage.NONE);
    }

    public boolean failed() {
        return error != null;
    }

    /** Every scorer's value and rationale as text, one line each: what reflection reads. */
    public String feedbackText() {
        String text = feedback.entrySet().stream()
                .map(e -> e.getKey() + " (" + format(e.getValue().value()) + "): " + e.getValue().rationale())
                .collect(Collectors.joining("\n"));
        if (error != null && text.isEmpty()) {
            return "error: " + error;
        }
        return text;
    }

    /** A copy marked as served from the cache. */
    public ExampleResult asCached() {
        return new ExampleResult(example, output, feedback, score, error, durationNanos, true, usage);
    }

    /** A copy carrying {@code usage}. */
    public ExampleResult withUsage(ExampleUsage usage) {
        return new ExampleResult(example, output, feedback, score, error, durationNanos, cached, usage);
    }

    private static String format(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
