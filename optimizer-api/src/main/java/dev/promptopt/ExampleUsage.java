package dev.promptopt;

/**
 * What one example's model calls used: its predict call and its scorers' judges, as counted by a metered model
 * on the thread that evaluated the example. {@link #NONE} (no call counted) when the run's models are not
 * metered, so "not measured" is never read as "free".
 *
 * <pre>{@code
 * ExampleUsage u = result.usage();
 * if (u.measured()) System.out.println(u.tokens().totalTokens() + " tokens, $" + u.costUsd());
 * }</pre>
 *
 * @param calls   metered model calls made for the example
 * @param tokens  their tokens
 * @param costUsd their price by the run's cost table (0 for models it does not price)
 */
public record ExampleUsage(long calls, TokenUsage tokens, double costUsd) {
    /** No metered call. */
    public static final ExampleUsage NONE = new ExampleUsage(0, TokenUsage.ZERO, 0);

    public ExampleUsage {
        java.util.Objects.requireNonNull(tokens, "tokens");
        if (calls < 0) {
            throw new IllegalArgumentException("calls must be >= 0, found " + calls);
        }
        if (!(costUsd >= 0) || Double.isInfinite(costUsd)) {
            throw new IllegalArgumentException("costUsd must be a finite number >= 0, found " + costUsd);
        }
    }

    /** Whether at least one metered call was counted. */
    public boolean measured() {
        return calls > 0;
    }

    public ExampleUsage plus(ExampleUsage other) {
        return new ExampleUsage(calls + other.calls, tokens.plus(other.tokens), costUsd + other.costUsd);
    }
}
