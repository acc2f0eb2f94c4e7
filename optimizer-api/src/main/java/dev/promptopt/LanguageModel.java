package dev.promptopt;

import java.util.List;

/**
 * A chat model: messages in, text and token usage out. SPI: langchain4j adapters, the local
 * llama.cpp model, and scripted models in tests implement it. Implementations are thread-safe.
 *
 * <pre>{@code
 * LanguageModel model = Models.resolve("openai:/gpt-4o-mini");
 * String answer = model.chat("Classify: I love it").text();
 * }</pre>
 */
public interface LanguageModel {
    /** A name for logs, metrics and cost tables, e.g. {@code openai:/gpt-4o-mini}. */
    String name();

    /**
     * One model call.
     *
     * @throws ModelException on failure; {@link ModelException#retriable()} tells whether to try again
     */
    ModelResponse chat(List<ChatMessage> messages);

    /** One user message. */
    default ModelResponse chat(String userMessage) {
        return chat(List.of(ChatMessage.user(userMessage)));
    }
}
