package dev.promptopt;

import java.util.Objects;

/**
 * A model's answer: its text, the tokens it used, and the model that answered.
 *
 * <pre>{@code
 * ModelResponse r = model.chat("Say hi");   r.text();  r.usage().outputTokens();
 * }</pre>
 */
public record ModelResponse(String text, TokenUsage usage, String model) {
    public ModelResponse {
        Objects.requireNonNull(text, "text");
        usage = usage == null ? TokenUsage.ZERO : usage;
        model = model == null ? "" : model;
    }

    public static ModelResponse of(String text) {
        return new ModelResponse(text, TokenUsage.ZERO, "");
    }
}
