package dev.promptopt.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.core.io.JsonSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON document in one file, replaced atomically: a crash in the middle of {@link #save} leaves
 * the previous checkpoint (or none), never a truncated one. Thread-safe.
 *
 * <p>Values are written with Jackson: records, maps, lists and beans work; {@link java.time.Instant}
 * and {@link java.time.Duration} are ISO-8601 strings. Unknown properties are ignored on load, so a
 * checkpoint written by a newer version still loads.
 *
 * <pre>{@code
 * CheckpointStore checkpoints = new CheckpointStore(runDir.resolve("checkpoint.json"));
 * Optional<MyState> resumed = checkpoints.load(MyState.class);
 * ...
 * checkpoints.save(state);          // after each iteration
 * }</pre>
 */
public final class CheckpointStore {
    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

    private final Path file;
    private final ObjectMapper mapper;

    /** A checkpoint in {@code file}; its folder is created on the first save. */
    public CheckpointStore(Path file) {
        this(file, JsonSupport.mapper());
    }

    /** A checkpoint written and read with the given mapper (for state types that need extra modules). */
    public CheckpointStore(Path file, ObjectMapper mapper) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** The checkpoint file. */
    public Path file() {
        return file;
    }

    /**
     * Replaces the checkpoint with {@code state} (a {@link JsonNode} or any Jackson-serializable value).
     *
     * @throws PromptOptimizerException naming the file and the state's type when it cannot be written
     */
    public synchronized void save(Object state) {
        Objects.requireNonNull(state, "state");
        byte[] bytes;
        try {
            bytes = mapper.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(state);
        } catch (JsonProcessingException e) {
            throw new PromptOptimizerException("cannot write checkpoint " + file + ": a "
                    + state.getClass().getName() + " is not serializable as JSON (" + e.getOriginalMessage() + ")", e);
        }
        JsonSupport.writeAtomically(file, bytes);
        log.debug("saved checkpoint {} ({} bytes)", file, bytes.length);
    }

    /**
     * The saved state as {@code type}; empty when there is no checkpoint.
     *
     * @throws PromptOptimizerException naming the file when it is corrupt or does not hold a {@code type}
     */
    public synchronized <T> Optional<T> load(Class<T> type) {
        Objects.requireNonNull(type, "type");
        Optional<JsonNode> tree = loadTree();
        if (tree.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(mapper.treeToValue(tree.get(), type));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new PromptOptimizerException("checkpoint file " + file + " does not hold a " + type.getName()
                    + ": " + detail, e);
        }
    }

    /**
     * The saved document; empty when there is no checkpoint.
     *
     * @throws PromptOptimizerException naming the file when it is not valid JSON
     */
    public synchronized Optional<JsonNode> loadTree() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(JsonSupport.readTree(file, "checkpoint"));
    }

    /** Whether a checkpoint has been saved. */
    public boolean exists() {
        return Files.isRegularFile(file);
    }

    /** Removes the checkpoint; does nothing when there is none. */
    public synchronized void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot delete checkpoint file " + file + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "CheckpointStore[" + file + "]";
    }
}
