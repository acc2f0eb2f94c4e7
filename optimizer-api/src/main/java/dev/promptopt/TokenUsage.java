package dev.promptopt;

import org.jspecify.annotations.Nullable;

/**
 * Tokens model calls consumed. A provider that leaves a count out of its answer (Ollama omits the input count of a
 * prompt it had cached; some OpenAI-compatible servers send no usage at all) does not make that count zero: the
 * call is counted in {@link #unreportedCalls()}, the sums hold only what was reported, and anything priced from
 * them is a lower bound ({@link #complete()} is false).
 *
 * <pre>{@code
 * TokenUsage total = a.plus(b);   total.totalTokens();   total.complete();
 * TokenUsage r = TokenUsage.reported(inputCountOrNull, outputCountOrNull);
 * }</pre>
 *
 * @param inputTokens     input tokens reported
 * @param outputTokens    output tokens reported
 * @param unreportedCalls calls whose provider left out the input count, the output count or both
 */
public record TokenUsage(long inputTokens, long outputTokens, long unreportedCalls) {
    /** No call. */
    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0);
    /** One call whose provider reported no token counts. */
    public static final TokenUsage UNREPORTED = new TokenUsage(0, 0, 1);

    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0 || unreportedCalls < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, found " + inputTokens + "/" + outputTokens
                    + " (" + unreportedCalls + " calls unreported)");
        }
    }

    /** Counts a provider reported in full. */
    public TokenUsage(long inputTokens, long outputTokens) {
        this(inputTokens, outputTokens, 0);
    }

    /**
     * One call's counts as a provider gave them: a null (or negative) count is unreported, and the call is then
     * counted in {@link #unreportedCalls()} with the count it did report.
     */
    public static TokenUsage reported(@Nullable Number inputTokens, @Nullable Number outputTokens) {
        boolean in = inputTokens != null && inputTokens.longValue() >= 0;
        boolean out = outputTokens != null && outputTokens.longValue() >= 0;
        return new TokenUsage(in ? inputTokens.longValue() : 0, out ? outputTokens.longValue() : 0, in && out ? 0 : 1);
    }

    /** Whether every call's counts were reported, so the sums (and their price) are the whole. */
    public boolean complete() {
        return unreportedCalls == 0;
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                unreportedCalls + other.unreportedCalls);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
