package dev.promptopt.junit;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.core.testing.ScriptedModel;
import dev.promptopt.junit.RecordedModel.Mode;
import dev.promptopt.testing.LanguageModelContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LanguageModel contract for {@link RecordedModel}: recording (many threads writing one file) and
 * replaying, with the live model's failures passed through and a missing recording a permanent failure.
 */
class RecordedModelContractTest extends LanguageModelContract {
    @TempDir
    Path dir;

    @Override
    protected LanguageModel answering(int calls) {
        return RecordedModel.builder(dir.resolve("answers.json")).name("recorded:/m").mode(Mode.RECORD)
                .live(() -> ScriptedModel.answering(p -> "yes").named("recorded:/m")).build();
    }

    @Override
    protected LanguageModel failing(Failure failure) {
        Path file = dir.resolve("failing.json");
        if (failure == Failure.PERMANENT) {
            // A replay of a call that was never recorded.
            RecordedModel.builder(file).name("recorded:/m").mode(Mode.RECORD)
                    .live(() -> ScriptedModel.answering(p -> "yes").named("recorded:/m")).build()
                    .chat(List.of(ChatMessage.user("another question")));
            return RecordedModel.builder(file).name("recorded:/m").mode(Mode.REPLAY).build();
        }
        LanguageModel overloaded = new LanguageModel() {
            @Override
            public String name() {
                return "recorded:/m";
            }

            @Override
            public dev.promptopt.ModelResponse chat(List<ChatMessage> messages) {
                throw ModelException.retriable("recorded:/m: HTTP 503 upstream busy");
            }
        };
        return RecordedModel.builder(file).name("recorded:/m").mode(Mode.RECORD_MISSING).live(() -> overloaded).build();
    }
}
