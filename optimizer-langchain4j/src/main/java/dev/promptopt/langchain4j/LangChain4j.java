package dev.promptopt.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.promptopt.LanguageModel;
import dev.promptopt.langchain4j.internal.ChatModelAdapter;

/**
 * Entry point of the langchain4j integration: wraps any langchain4j {@link ChatModel}, and builds hosted models
 * (OpenAI, Anthropic, Ollama, any OpenAI-compatible server) with retries, timeouts and rate limits.
 *
 * <pre>{@code
 * LanguageModel target = LangChain4j.model(openAiChatModel);                // your own ChatModel
 * LanguageModel judge  = LangChain4j.openAi("gpt-4o-mini").build();          // key from OPENAI_API_KEY
 * LanguageModel vllm   = LangChain4j.openAiCompatible("llama-3.1-8b")
 *     .baseUrl("http://localhost:8000/v1").apiKey("none").requestsPerMinute(600).build();
 * }</pre>
 *
 * The same models resolve from strings through {@code Models.resolve("openai:/gpt-4o-mini")}.
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

    /** An OpenAI model; the key comes from {@code OPENAI_API_KEY} unless given. */
    public static HostedModelBuilder openAi(String model) {
        return new HostedModelBuilder(HostedModelBuilder.Kind.OPENAI, model);
    }

    /** An Anthropic model; the key comes from {@code ANTHROPIC_API_KEY} unless given. */
    public static HostedModelBuilder anthropic(String model) {
        return new HostedModelBuilder(HostedModelBuilder.Kind.ANTHROPIC, model);
    }

    /** An Ollama model; the server from {@code OLLAMA_BASE_URL}, default {@code http://localhost:11434}. */
    public static HostedModelBuilder ollama(String model) {
        return new HostedModelBuilder(HostedModelBuilder.Kind.OLLAMA, model);
    }

    /**
     * A model behind any OpenAI-compatible server (vLLM, llama.cpp server, LiteLLM, ...); base URL and key from
     * {@code PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL} / {@code PROMPTOPT_OPENAI_COMPATIBLE_API_KEY} unless given.
     */
    public static HostedModelBuilder openAiCompatible(String model) {
        return new HostedModelBuilder(HostedModelBuilder.Kind.OPENAI_COMPATIBLE, model);
    }
}
