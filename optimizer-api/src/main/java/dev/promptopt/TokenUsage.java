package dev.promptopt;

/**
 * Tokens a model call consumed.
 *
 * <pre>{@code
 * TokenUsage total = a.plus(b);   total.totalTokens();
 * }</pre>
 */
public record TokenUsage(long inputTokens, long outputTokens) {
    public static final TokenUsage ZERO = new TokenUsage(0, 0);

    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, found " + inputTokens + "/" + outputTokens);
        }
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
