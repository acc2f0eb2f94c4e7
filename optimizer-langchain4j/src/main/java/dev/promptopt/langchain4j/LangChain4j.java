package dev.promptopt.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.promptopt.LanguageModel;
import dev.promptopt.langchain4j.internal.ChatModelAdapter;

/**
 * Entry point of the langchain4j integration: wraps any langchain4j {@link ChatModel}. Hosted models with
 * retries, timeouts and rate limits come from the provider modules, each a separate dependency:
 * {@code OpenAiModels} (optimizer-langchain4j-openai: OpenAI and any OpenAI-compatible server),
 * {@code AnthropicModels} (optimizer-langchain4j-anthropic) and {@code OllamaModels} (optimizer-langchain4j-ollama).
 *
 * <pre>{@code
 * LanguageModel target = LangChain4j.model(openAiChatModel);                // your own ChatModel
 * LanguageModel named  = LangChain4j.model(openAiChatModel, "openai:/gpt-4o-mini");
 * }</pre>
 *
 * With a provider module on the classpath the same models resolve from strings through
 * {@code Models.resolve("openai:/gpt-4o-mini")}.
 */
public final class LangChain4j {
    private LangChain4j() {
    }

    /**
     * A langchain4j chat model as a {@link LanguageModel}: messages, text, token usage and model name.
     * Failures become {@link dev.promptopt.ModelException}s marked retriable or permanent; no retries are
     * added (wrap it in {@link ResilientModel} for those).
     */
    public static LanguageModel model(ChatModel chatModel) {
        return new ChatModelAdapter(chatModel, null, null);
    }

    /** As {@link #model(ChatModel)}, with the name used in logs, metrics and cost tables. */
    public static LanguageModel model(ChatModel chatModel, String name) {
        return new ChatModelAdapter(chatModel, name, null);
    }
}
