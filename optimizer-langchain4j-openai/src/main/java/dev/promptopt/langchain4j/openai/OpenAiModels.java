package dev.promptopt.langchain4j.openai;

import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.openai.internal.OpenAiCompatibleProvider;
import dev.promptopt.langchain4j.openai.internal.OpenAiProvider;

/**
 * OpenAI models, and models behind any OpenAI-compatible server (vLLM, llama.cpp server, LiteLLM, ...), through
 * langchain4j's OpenAI client, with retries, timeouts and rate limits ({@link HostedModelBuilder}). The same models
 * resolve from {@code openai:/<model>} and {@code openai-compatible:/<model>} through {@code Models.resolve}.
 *
 * <pre>{@code
 * LanguageModel judge = OpenAiModels.openAi("gpt-4o-mini").temperature(0.0).build();   // key from OPENAI_API_KEY
 * LanguageModel vllm  = OpenAiModels.openAiCompatible("llama-3.1-8b")
 *     .baseUrl("http://localhost:8000/v1").apiKey("none").requestsPerMinute(600).build();
 * }</pre>
 */
public final class OpenAiModels {
    private OpenAiModels() {
    }

    /**
     * An OpenAI model; the key comes from {@code OPENAI_API_KEY} unless given, the base URL from
     * {@code OPENAI_BASE_URL}.
     */
    public static HostedModelBuilder openAi(String model) {
        return new OpenAiProvider().builder(model);
    }

    /**
     * A model behind an OpenAI-compatible server; base URL and key from {@code PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL}
     * / {@code PROMPTOPT_OPENAI_COMPATIBLE_API_KEY} unless given. A base URL is required.
     */
    public static HostedModelBuilder openAiCompatible(String model) {
        return new OpenAiCompatibleProvider().builder(model);
    }
}
