package dev.promptopt.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.core.io.JsonSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A torn last journal line is cut off on resume, so the next entry starts on its own line. */
class ResultJournalRepairTest {
    @TempDir
    Path dir;

    private static final Dataset DATA = Dataset.of("d", List.of(Example.of("a", Map.of("x", "1"), "1"),
            Example.of("b", Map.of("x", "2"), "2"), Example.of("c", Map.of("x", "3"), "3")));

    private static ExampleResult scored(String id) {
        Example e = DATA.get(id).orElseThrow();
        return new ExampleResult(e, e.outputs(), Map.of("exact", new Feedback(1.0, "ok", Map.of())), 1.0, null, 5, false);
    }

    @Test
    void aTornLastLineIsCutOffSoTheNextResumeReadsEveryEntry() throws Exception {
        Path file = dir.resolve("evaluations.jsonl");
        try (ResultJournal j = new ResultJournal(file, JsonSupport.mapper())) {
            j.append("c1", scored("a"));
            j.append("c1", scored("b"));
        }
        long whole = Files.size(file);
        Files.write(file, "{\"candidate\":\"c1\",\"example\":\"c\",\"cont".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND); // the process died while writing this line

        try (ResultJournal resumed = new ResultJournal(file, JsonSupport.mapper())) {
            assertThat(resumed.readExisting(List.of(DATA))).hasSize(2);
            assertThat(Files.size(file)).isEqualTo(whole);
            resumed.append("c1", scored("c")); // before the repair this landed on the torn line
        }

        try (ResultJournal again = new ResultJournal(file, JsonSupport.mapper())) {
            assertThat(again.readExisting(List.of(DATA))).extracting(e -> e.result().example().id())
                    .containsExactly("a", "b", "c");
        }
        assertThat(Files.readAllLines(file)).hasSize(3);
    }

    @Test
    void theManagedPathAndTheApiShareTheRepair() throws Exception {
        Path file = dir.resolve("evaluations.jsonl");
        Files.writeString(file, "{\"a\":1}\n{\"b\":");
        assertThat(ResultJournal.repair(file)).isEqualTo(5);
        assertThat(Files.readString(file)).isEqualTo("{\"a\":1}\n");
        assertThat(ResultJournal.repair(file)).isZero();
        assertThat(ResultJournal.repair(dir.resolve("absent.jsonl"))).isZero();
    }

    @Test
    void aCorruptLineInTheMiddleIsAnErrorNamingTheFileAndLine() throws Exception {
        Path file = dir.resolve("evaluations.jsonl");
        try (ResultJournal j = new ResultJournal(file, JsonSupport.mapper())) {
            j.append("c1", scored("a"));
        }
        Files.writeString(file, "{oops\n", StandardOpenOption.APPEND);
        try (ResultJournal j = new ResultJournal(file, JsonSupport.mapper())) {
            j.append("c1", scored("b"));
        }
        try (ResultJournal j = new ResultJournal(file, JsonSupport.mapper())) {
            assertThatThrownBy(() -> j.readExisting(List.of(DATA)))
                    .isInstanceOf(PromptOptimizerException.class)
                    .hasMessageStartingWith("evaluation journal " + file + ":2 is corrupt: ");
        }
    }

    @Test
    void anEntryWhoseExampleChangedContentIsNamed() throws Exception {
        Path file = dir.resolve("evaluations.jsonl");
        try (ResultJournal j = new ResultJournal(file, JsonSupport.mapper())) {
            j.append("c1", scored("a"));
        }
        Dataset changed = Dataset.of("d", List.of(Example.of("a", Map.of("x", "changed"), "1")));
        try (ResultJournal j = new ResultJournal(file, JsonSupport.mapper())) {
            assertThatThrownBy(() -> j.readExisting(List.of(changed)))
                    .hasMessage("evaluation journal " + file + ":1 refers to example 'a' with other content (inputs, "
                            + "outputs or expectations) than example 'a' has now; resume with the same data");
        }
    }
}
