package dev.promptopt.langchain4j.internal;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** A langchain4j {@link ChatModel} as a {@link LanguageModel}. */
public final class ChatModelAdapter implements LanguageModel {
    private final ChatModel delegate;
    private final String name;
    private final String authHint;

    public ChatModelAdapter(ChatModel delegate, String name, String authHint) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.name = name != null ? name : nameOf(delegate);
        this.authHint = authHint;
    }

    /** {@code provider:/model} from what the model says about itself, e.g. {@code open_ai:/gpt-4o-mini}. */
    public static String nameOf(ChatModel model) {
        String provider;
        String modelName = null;
        try {
            provider = model.provider() == null ? "langchain4j" : model.provider().name().toLowerCase(Locale.ROOT).replace("_", "");
        } catch (RuntimeException e) {
            provider = "langchain4j";
        }
        try {
            modelName = model.defaultRequestParameters() == null ? null : model.defaultRequestParameters().modelName();
        } catch (RuntimeException e) {
            // a ChatModel without default parameters: fall back to the class name
        }
        return provider + ":/" + (modelName != null ? modelName : model.getClass().getSimpleName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelResponse chat(List<ChatMessage> messages) {
        List<dev.langchain4j.data.message.ChatMessage> converted = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            converted.add(switch (m.role()) {
                case "system" -> SystemMessage.from(m.content());
                case "user" -> UserMessage.from(m.content());
                case "assistant" -> AiMessage.from(m.content());
                default -> throw ModelException.permanent(name + ": unsupported message role '" + m.role()
                        + "'; expected system, user or assistant");
            });
        }
        ChatResponse response;
        try {
            response = delegate.chat(converted);
        } catch (RuntimeException e) {
            throw ModelErrors.translate(name, e, authHint);
        }
        if (response == null || response.aiMessage() == null || response.aiMessage().text() == null) {
            throw ModelException.permanent(name + ": the response had no text"
                    + (response == null ? "" : " (finish reason " + response.finishReason() + ")"));
        }
        dev.langchain4j.model.output.TokenUsage u = response.tokenUsage();
        // A count the provider left out is unreported, not zero (Ollama omits the input count of a cached prompt).
        TokenUsage usage = u == null ? TokenUsage.UNREPORTED
                : TokenUsage.reported(u.inputTokenCount(), u.outputTokenCount());
        return new ModelResponse(response.aiMessage().text(), usage,
                response.modelName() != null ? response.modelName() : name);
    }

    @Override
    public String toString() {
        return "LangChain4jModel[" + name + "]";
    }
}
