package dev.promptopt;

import dev.promptopt.spi.EmbeddedDefaults;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Keys to bytes: where datasets are read from and results written to. SPI: a local folder and S3
 * implement it. Keys are relative, '/'-separated paths; a key that would escape the store is refused.
 *
 * <pre>{@code
 * ObjectStore store = ObjectStore.inDirectory(Path.of("runs"));
 * store.put("run-1/result.json", bytes);
 * List<String> keys = store.list("run-1/");
 * }</pre>
 */
public interface ObjectStore {

    /** A store in a local folder (created if missing). */
    static ObjectStore inDirectory(Path root) {
        return EmbeddedDefaults.get().directoryStore(root);
    }

    /**
     * The whole object.
     *
     * @throws ObjectStoreException naming the store and key when it does not exist
     */
    byte[] get(String key);

    /** A stream over the object, for large ones; the caller closes it. */
    InputStream open(String key);

    /** Writes (or replaces) an object; readers never see a partial object. */
    void put(String key, byte[] content);

    /** Writes an object from a stream, for large ones. */
    void put(String key, InputStream content);

    /** Keys starting with the prefix, sorted. */
    List<String> list(String prefix);

    boolean exists(String key);

    /** Deletes an object; does nothing when it does not exist. */
    void delete(String key);

    /** For messages, e.g. {@code file:/data/runs} or {@code s3://bucket/prefix}. */
    String describe();
}
