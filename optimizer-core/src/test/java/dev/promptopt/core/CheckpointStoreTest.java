package dev.promptopt.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.core.io.JsonSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    record Candidate(int id, String text, double score) {
    }

    record State(int iteration, long rngState, Instant savedAt, Duration elapsed, List<Candidate> candidates,
                 Map<String, Double> cache) {
    }

    /** Serialization fails part way through, after some fields have been written. */
    static final class Exploding {
        public String getFirst() {
            return "fine";
        }

        public String getSecond() {
            throw new IllegalStateException("boom");
        }
    }

    @TempDir
    Path dir;

    private State sampleState() {
        return new State(7, -4962768465676381896L, Instant.parse("2025-03-01T10:15:30.5Z"), Duration.ofSeconds(95),
                List.of(new Candidate(0, "Classify: {{text}}", 0.5), new Candidate(1, "Say \"pos\"/\"neg\": {{text}}", 0.75)),
                Map.of("c1|ex-1", 1.0, "c1|ex-2", 0.0));
    }

    @Test
    void savedStateLoadsBackEqual() {
        CheckpointStore store = new CheckpointStore(dir.resolve("run-1/checkpoint.json"));

        store.save(sampleState());

        assertThat(store.exists()).isTrue();
        assertThat(store.load(State.class)).contains(sampleState());
    }

    @Test
    void instantsAndDurationsAreWrittenAsIsoStrings() {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoint.json"));

        store.save(sampleState());

        JsonNode tree = store.loadTree().orElseThrow();
        assertThat(tree.get("savedAt").asText()).isEqualTo("2025-03-01T10:15:30.500Z");
        assertThat(tree.get("elapsed").asText()).isEqualTo("PT1M35S");
        assertThat(tree.get("rngState").asLong()).isEqualTo(-4962768465676381896L);
    }

    @Test
    void aJsonTreeRoundTrips() {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoint.json"));
        ObjectNode node = JsonSupport.mapper().createObjectNode().put("engine", "gepa").put("iteration", 3);
        node.putArray("pareto").add(1).add(4);

        store.save(node);

        assertThat(store.loadTree()).contains(node);
    }

    @Test
    void loadingWithoutACheckpointIsEmpty() {
        CheckpointStore store = new CheckpointStore(dir.resolve("none/checkpoint.json"));

        assertThat(store.exists()).isFalse();
        assertThat(store.load(State.class)).isEmpty();
        assertThat(store.loadTree()).isEmpty();
    }

    @Test
    void unknownPropertiesAreIgnoredOnLoad() throws Exception {
        Path file = dir.resolve("checkpoint.json");
        Files.writeString(file, "{\"id\": 3, \"text\": \"t\", \"score\": 0.5, \"addedLater\": true}");

        assertThat(new CheckpointStore(file).load(Candidate.class)).contains(new Candidate(3, "t", 0.5));
    }

    @Test
    void aCorruptCheckpointGivesAnErrorNamingTheFile() throws Exception {
        Path file = dir.resolve("checkpoint.json");
        Files.writeString(file, "{\"iteration\": 7, \"candi", UTF_8);
        CheckpointStore store = new CheckpointStore(file);

        assertThatThrownBy(() -> store.load(State.class))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessageStartingWith("corrupt checkpoint file " + file.toAbsolutePath() + ": not valid JSON");
        assertThatThrownBy(store::loadTree)
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessageContaining(file.toAbsolutePath().toString());
    }

    @Test
    void anEmptyCheckpointFileIsReportedAsCorrupt() throws Exception {
        Path file = dir.resolve("checkpoint.json");
        Files.write(file, new byte[0]);

        assertThatThrownBy(() -> new CheckpointStore(file).loadTree())
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessage("corrupt checkpoint file " + file.toAbsolutePath() + ": it is empty, expected a JSON document");
    }

    @Test
    void aCheckpointOfAnotherShapeNamesTheFileAndTheType() throws Exception {
        Path file = dir.resolve("checkpoint.json");
        Files.writeString(file, "{\"iteration\": \"seven\"}");

        assertThatThrownBy(() -> new CheckpointStore(file).load(State.class))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessageStartingWith("checkpoint file " + file.toAbsolutePath() + " does not hold a " + State.class.getName());
    }

    @Test
    void saveReplacesThePreviousCheckpointAndLeavesNoTemporaryFile() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoint.json"));

        store.save(new Candidate(1, "a much longer first text that the second save must fully replace", 0.1));
        store.save(new Candidate(2, "short", 0.2));

        assertThat(store.load(Candidate.class)).contains(new Candidate(2, "short", 0.2));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("checkpoint.json");
        }
    }

    @Test
    void aSaveThatFailsKeepsThePreviousCheckpointIntact() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoint.json"));
        store.save(sampleState());

        assertThatThrownBy(() -> store.save(new Exploding()))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessageContaining("cannot write checkpoint " + store.file())
                .hasMessageContaining(Exploding.class.getName());

        assertThat(store.load(State.class)).contains(sampleState());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("checkpoint.json");
        }
    }

    @Test
    void deleteRemovesTheCheckpointAndIsIdempotent() {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoint.json"));
        store.save(sampleState());

        store.delete();
        store.delete();

        assertThat(store.exists()).isFalse();
        assertThat(store.load(State.class)).isEmpty();
    }
}
