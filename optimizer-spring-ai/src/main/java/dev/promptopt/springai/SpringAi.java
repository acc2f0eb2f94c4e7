package dev.promptopt.springai;

import dev.promptopt.LanguageModel;
import dev.promptopt.springai.internal.SpringAiChatModel;
import java.util.Objects;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;

/**
 * Any Spring AI {@link ChatModel} as a {@link LanguageModel}: our chat messages become a Spring AI
 * {@code Prompt} (with the options given here, if any), the answer's text and token usage come back.
 *
 * <pre>{@code
 * ChatModel chatModel = ...;                                     // e.g. the OpenAiChatModel bean of a Boot app
 * LanguageModel target = SpringAi.model(chatModel);
 * LanguageModel precise = SpringAi.builder(chatModel)
 *         .options(ChatOptions.builder().temperature(0.0).maxTokens(64).build())
 *         .name("openai:/gpt-4o-mini")
 *         .build();
 * }</pre>
 *
 * <p>Spring AI's exceptions map to {@link dev.promptopt.ModelException}: {@code TransientAiException}, I/O
 * errors and HTTP 408/429/5xx are retriable; everything else is permanent. Retries belong to the caller (or to
 * Spring AI's own retry template, if the model was built with one).
 *
 * <p>With {@code spring-ai-openai} on the classpath, {@code Models.resolve("spring-ai-openai:/gpt-4o-mini")}
 * builds Spring AI's OpenAI client; see {@link SpringAiOpenAiProvider}.
 */
public final class SpringAi {
    private SpringAi() {
    }

    /** The chat model with its own default options; named after the model it reports. */
    public static LanguageModel model(ChatModel chatModel) {
        return builder(chatModel).build();
    }

    /** The chat model with {@code options} sent on every call. */
    public static LanguageModel model(ChatModel chatModel, ChatOptions options) {
        return builder(chatModel).options(options).build();
    }

    /** A builder for a name or per-call options. */
    public static Builder builder(ChatModel chatModel) {
        return new Builder(Objects.requireNonNull(chatModel, "chatModel"));
    }

    /** Builds a {@link LanguageModel} over one {@link ChatModel}; {@link #build()} may be called again. */
    public static final class Builder {
        private final ChatModel chatModel;
        private ChatOptions options;
        private String name;

        private Builder(ChatModel chatModel) {
            this.chatModel = chatModel;
        }

        /** Options sent with every call (model, temperature, max tokens, ...); default: the model's own. */
        public Builder options(ChatOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * The name used in logs, metrics and cost tables, e.g. {@code openai:/gpt-4o-mini}. Default:
         * {@code spring-ai:/<model>} from the options or the model's default options.
         */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, found '" + name + "'");
            }
            this.name = name;
            return this;
        }

        public LanguageModel build() {
            return new SpringAiChatModel(chatModel, options, name);
        }
    }
}
