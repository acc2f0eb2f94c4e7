package dev.promptopt.springai;

import dev.promptopt.LanguageModel;
import dev.promptopt.springai.SpringAiChatModelTest.RecordingChatModel;
import dev.promptopt.testing.LanguageModelContract;
import java.util.Optional;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;

/** The LanguageModel contract for the Spring AI adapter, over an in-process Spring AI ChatModel. */
class SpringAiModelContractTest extends LanguageModelContract {
    static final String SECRET = "sk-contractsecret0123456789";

    private static LanguageModel adapt(RecordingChatModel chat) {
        return SpringAi.model(chat, ChatOptions.builder().model("gpt-contract").build());
    }

    @Override
    protected LanguageModel answering(int calls) {
        return adapt(new RecordingChatModel(p -> SpringAiChatModelTest.answer("yes", 17, 1, "gpt-contract-0001")));
    }

    @Override
    protected LanguageModel failing(Failure failure) {
        // Spring AI puts the provider's error body in the exception message; providers echo rejected keys.
        return adapt(new RecordingChatModel(p -> {
            if (failure == Failure.RETRIABLE) {
                throw new TransientAiException("503 - upstream busy for key " + SECRET);
            }
            throw new NonTransientAiException("401 - Incorrect API key provided: " + SECRET);
        }));
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(SECRET);
    }
}
