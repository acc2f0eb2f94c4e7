package dev.promptopt.springai.internal;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/** A Spring AI {@link ChatModel} as a {@link LanguageModel}. */
public final class SpringAiChatModel implements LanguageModel {
    private final ChatModel delegate;
    private final ChatOptions options;
    private final String name;

    public SpringAiChatModel(ChatModel delegate, ChatOptions options, String name) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.options = options == null ? null : options.copy();
        this.name = name != null ? name : nameOf(delegate, options);
    }

    /** {@code spring-ai:/<model>} from the options or the model's defaults, else the class name. */
    static String nameOf(ChatModel model, ChatOptions options) {
        String modelName = options == null ? null : options.getModel();
        if (modelName == null) {
            try {
                ChatOptions defaults = model.getDefaultOptions();
                modelName = defaults == null ? null : defaults.getModel();
            } catch (RuntimeException e) {
                // a ChatModel without default options: fall back to the class name
            }
        }
        return "spring-ai:/" + (modelName != null ? modelName : model.getClass().getSimpleName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelResponse chat(List<ChatMessage> messages) {
        List<Message> converted = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            converted.add(switch (m.role()) {
                case "system" -> new SystemMessage(m.content());
                case "user" -> new UserMessage(m.content());
                case "assistant" -> new AssistantMessage(m.content());
                default -> throw ModelException.permanent(name + ": unsupported message role '" + m.role()
                        + "'; expected system, user or assistant");
            });
        }
        Prompt prompt = options == null ? new Prompt(converted) : new Prompt(converted, options.copy());
        ChatResponse response;
        try {
            response = delegate.call(prompt);
        } catch (RuntimeException e) {
            throw SpringAiErrors.translate(name, e);
        }
        Generation generation = response == null ? null : response.getResult();
        String text = generation == null || generation.getOutput() == null ? null : generation.getOutput().getText();
        if (text == null) {
            String finish = generation == null || generation.getMetadata() == null ? "none"
                    : generation.getMetadata().getFinishReason();
            throw ModelException.permanent(name + ": the response had no text (finish reason " + finish + ")");
        }
        ChatResponseMetadata metadata = response.getMetadata();
        Usage usage = metadata == null ? null : metadata.getUsage();
        // Spring AI stands in an EmptyUsage (zeros) for an answer without usage: unreported, not zero tokens.
        TokenUsage tokens = usage == null || usage instanceof org.springframework.ai.chat.metadata.EmptyUsage
                ? TokenUsage.UNREPORTED : TokenUsage.reported(usage.getPromptTokens(), usage.getCompletionTokens());
        String answeredBy = metadata == null || metadata.getModel() == null || metadata.getModel().isBlank()
                ? name : metadata.getModel();
        return new ModelResponse(text, tokens, answeredBy);
    }

    @Override
    public String toString() {
        return "SpringAiModel[" + name + "]";
    }
}
