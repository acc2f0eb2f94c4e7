package dev.promptopt.langchain4j.openai.internal;

import dev.langchain4j.model.chat.ChatModel;
import dev.promptopt.InvalidInputException;
import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.HostedModelProvider;
import java.util.function.Function;

/**
 * {@code openai-compatible:/<model>}: PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL (required),
 * PROMPTOPT_OPENAI_COMPATIBLE_API_KEY.
 */
public final class OpenAiCompatibleProvider extends HostedModelProvider {
    public OpenAiCompatibleProvider() {
        this(System::getenv);
    }

    public OpenAiCompatibleProvider(Function<String, String> env) {
        super("openai-compatible", "PROMPTOPT_OPENAI_COMPATIBLE_API_KEY", "PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL", false,
                env);
    }

    @Override
    protected ChatModel chatModel(HostedModelBuilder.Settings s) {
        if (s.baseUrl() == null) {
            throw new InvalidInputException(s.name() + ": no base URL; set the environment variable " + baseUrlEnv()
                    + " or pass the baseUrl option (e.g. http://localhost:8000/v1)");
        }
        return OpenAiProvider.openAiChatModel(s);
    }
}
