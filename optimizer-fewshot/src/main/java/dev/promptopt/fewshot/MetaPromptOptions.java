package dev.promptopt.fewshot;

import dev.promptopt.LanguageModel;
import java.util.Objects;

/**
 * Options of the {@link MetaPrompt} optimizer; immutable, each option method (named after its option) returns a changed copy.
 *
 * <pre>{@code
 * MetaPromptOptions o = MetaPromptOptions.of(rewriter).passes(2).examples(0);   // zero-shot, two passes
 * }</pre>
 *
 * @param model    the model that rewrites prompts (a capable one)
 * @param passes   rewrite passes (default 1)
 * @param examples training examples shown per pass, failures first (default 5; 0 for zero-shot)
 */
public record MetaPromptOptions(LanguageModel model, int passes, int examples) {
    public MetaPromptOptions {
        Objects.requireNonNull(model, "model");
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, found " + passes);
        }
        if (examples < 0) {
            throw new IllegalArgumentException("examples must be >= 0 (0: zero-shot), found " + examples);
        }
    }

    /** One pass with five examples. */
    public static MetaPromptOptions of(LanguageModel model) {
        return new MetaPromptOptions(model, 1, 5);
    }

    public MetaPromptOptions passes(int v) {
        return new MetaPromptOptions(model, v, examples);
    }

    public MetaPromptOptions examples(int v) {
        return new MetaPromptOptions(model, passes, v);
    }
}
