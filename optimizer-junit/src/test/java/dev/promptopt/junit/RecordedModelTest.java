package dev.promptopt.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ChatMessage;
import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.core.testing.ScriptedModel;
import dev.promptopt.junit.RecordedModel.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedModelTest {
    final ScriptedModel live = ScriptedModel.answering(p -> "answer to " + p).named("scripted:/live");

    Supplier<LanguageModel> noLiveCalls() {
        return () -> {
            throw new AssertionError("the live model must not be needed");
        };
    }

    @Test
    void theFirstRunRecordsAndLaterRunsReplayTheSameAnswersWithoutTheLiveModel(@TempDir Path dir) {
        Path file = dir.resolve("answers.json");
        RecordedModel first = RecordedModel.builder(file).name("m").live(() -> live).mode(Mode.AUTO).build();
        assertThat(first.mode()).isEqualTo(Mode.RECORD_MISSING);

        ModelResponse a = first.chat(List.of(ChatMessage.system("Be brief."), ChatMessage.user("hi")));
        ModelResponse b = first.chat("bye");

        assertThat(live.calls()).isEqualTo(2);
        assertThat(file).exists();
        RecordedModel replay = RecordedModel.builder(file).name("m").live(noLiveCalls()).mode(Mode.AUTO).build();
        assertThat(replay.mode()).isEqualTo(Mode.REPLAY);
        assertThat(replay.chat(List.of(ChatMessage.system("Be brief."), ChatMessage.user("hi")))).isEqualTo(a);
        assertThat(replay.chat("bye")).isEqualTo(b);
        assertThat(live.calls()).isEqualTo(2);
    }

    @Test
    void aChangedPromptIsANotRecordedErrorNamingTheFileAndTheFix(@TempDir Path dir) {
        Path file = dir.resolve("answers.json");
        RecordedModel.builder(file).name("m").live(() -> live).mode(Mode.RECORD).build().chat("Classify: I love it");

        RecordedModel replay = RecordedModel.builder(file).name("m").mode(Mode.REPLAY).build();

        assertThatThrownBy(() -> replay.chat("Classify the sentiment: I love it"))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageStartingWith("not recorded: " + file)
                .hasMessageContaining("last: 'Classify the sentiment: I love it'")
                .hasMessageContaining("-Dpromptopt.recording=record-missing");
        // another model's answers are not replayed either
        assertThatThrownBy(() -> RecordedModel.builder(file).name("other").mode(Mode.REPLAY).build().chat("Classify: I love it"))
                .hasMessageStartingWith("not recorded:");
    }

    @Test
    void recordMissingKeepsRecordedAnswersAndRecordReplacesThem(@TempDir Path dir) {
        Path file = dir.resolve("answers.json");
        ScriptedModel v1 = ScriptedModel.answering(p -> "v1 " + p);
        RecordedModel.builder(file).name("m").live(() -> v1).mode(Mode.RECORD).build().chat("one");

        ScriptedModel v2 = ScriptedModel.answering(p -> "v2 " + p);
        RecordedModel missing = RecordedModel.builder(file).name("m").live(() -> v2).mode(Mode.RECORD_MISSING).build();
        assertThat(missing.chat("one").text()).isEqualTo("v1 one");
        assertThat(missing.chat("two").text()).isEqualTo("v2 two");
        assertThat(v2.calls()).isEqualTo(1);

        RecordedModel again = RecordedModel.builder(file).name("m").live(() -> v2).mode(Mode.RECORD).build();
        assertThat(again.chat("one").text()).isEqualTo("v2 one");
        RecordedModel replay = RecordedModel.builder(file).name("m").mode(Mode.REPLAY).build();
        assertThat(replay.chat("one").text()).isEqualTo("v2 one");
        assertThat(replay.chat("two").text()).isEqualTo("v2 two");
    }

    @Test
    void theFileIsSortedReviewableJsonAndAHandEditedKeyIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("answers.json");
        RecordedModel rec = RecordedModel.builder(file).name("m").live(() -> live).mode(Mode.RECORD).build();
        rec.chat("b");
        rec.chat("a");
        String json = Files.readString(file);
        assertThat(json).contains("\"format\" : \"promptopt-recorded-answers/1\"", "\"content\" : \"a\"",
                "\"text\" : \"answer to a\"");

        Files.writeString(file, json.replace("\"content\" : \"a\"", "\"content\" : \"A\""));

        assertThatThrownBy(() -> RecordedModel.builder(file).name("m").mode(Mode.REPLAY).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("field 'key' does not match its model and messages");
    }

    @Test
    void theModeComesFromThePropertyThenTheEnvironmentAndCiReplaysByDefault() {
        assertThat(Mode.fromEnvironment(k -> null, k -> null)).isEqualTo(Mode.AUTO);
        assertThat(Mode.fromEnvironment(k -> null, Map.of("CI", "true")::get)).isEqualTo(Mode.REPLAY);
        assertThat(Mode.fromEnvironment(k -> null, Map.of("CI", "true", "PROMPTOPT_RECORDING", "record-missing")::get))
                .isEqualTo(Mode.RECORD_MISSING);
        assertThat(Mode.fromEnvironment(Map.of("promptopt.recording", "RECORD")::get,
                Map.of("PROMPTOPT_RECORDING", "replay")::get)).isEqualTo(Mode.RECORD);
        assertThatThrownBy(() -> Mode.parse("rerecord")).hasMessageContaining("'rerecord'")
                .hasMessageContaining("auto, replay, record-missing, record");
    }

    @Test
    void replayingWithoutAFileOrALiveModelSaysWhatIsMissing(@TempDir Path dir) {
        RecordedModel replay = RecordedModel.builder(dir.resolve("none.json")).name("m").mode(Mode.REPLAY).build();
        assertThatThrownBy(() -> replay.chat("x")).hasMessageContaining("(the file holds no answers)");

        RecordedModel record = RecordedModel.builder(dir.resolve("none.json")).name("m").mode(Mode.RECORD).build();
        assertThatThrownBy(() -> record.chat("x")).hasMessageContaining("needs the live model");
    }
}
