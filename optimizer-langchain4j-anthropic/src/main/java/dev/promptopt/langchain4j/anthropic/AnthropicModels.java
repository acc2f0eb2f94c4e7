package dev.promptopt.langchain4j.anthropic;

import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.anthropic.internal.AnthropicProvider;

/**
 * Anthropic models through langchain4j's Anthropic client, with retries, timeouts and rate limits
 * ({@link HostedModelBuilder}). The same models resolve from {@code anthropic:/<model>} through {@code Models.resolve}.
 *
 * <pre>{@code
 * LanguageModel judge = AnthropicModels.anthropic("claude-3-5-haiku-latest").maxTokens(512).build();
 * }</pre>
 */
public final class AnthropicModels {
    private AnthropicModels() {
    }

    /**
     * An Anthropic model; the key comes from {@code ANTHROPIC_API_KEY} unless given, the base URL from
     * {@code ANTHROPIC_BASE_URL}.
     */
    public static HostedModelBuilder anthropic(String model) {
        return new AnthropicProvider().builder(model);
    }
}
