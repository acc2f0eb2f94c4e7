package dev.promptopt;

import java.util.Objects;

/**
 * A model's answer: its text, the tokens it used, and the model that answered. Without usage (null, or
 * {@link #of(String)}) the call's tokens are {@link TokenUsage#UNREPORTED}, never zero.
 *
 * <pre>{@code
 * ModelResponse r = model.chat("Say hi");   r.text();  r.usage().outputTokens();
 * }</pre>
 */
public record ModelResponse(String text, TokenUsage usage, String model) {
    public ModelResponse {
        Objects.requireNonNull(text, "text");
        usage = usage == null ? TokenUsage.UNREPORTED : usage;
        model = model == null ? "" : model;
    }

    /** An answer whose token counts are unknown ({@link TokenUsage#UNREPORTED}). */
    public static ModelResponse of(String text) {
        return new ModelResponse(text, TokenUsage.UNREPORTED, "");
    }
}
