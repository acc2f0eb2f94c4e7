package dev.promptopt.core.local;

import dev.promptopt.ObjectStore;
import dev.promptopt.ObjectStoreException;
import dev.promptopt.core.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An object store in a local folder: key {@code run-1/result.json} is the file
 * {@code <root>/run-1/result.json}. Writes are atomic (temporary file, then rename), so readers
 * never see a partial object. Keys that are absolute, contain {@code ..}, empty segments or
 * backslashes, or otherwise resolve outside the folder are refused. Thread-safe.
 *
 * <pre>{@code
 * ObjectStore store = new DirectoryObjectStore(Path.of("runs"));
 * store.put("run-1/result.json", json.getBytes(StandardCharsets.UTF_8));
 * store.list("run-1/");    // [run-1/result.json]
 * }</pre>
 */
public final class DirectoryObjectStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(DirectoryObjectStore.class);

    private final Path root;

    /** A store in {@code root}, created if missing. */
    public DirectoryObjectStore(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot create object store folder " + this.root + ": " + e, e);
        }
    }

    /** The store's folder. */
    public Path root() {
        return root;
    }

    @Override
    public byte[] get(String key) {
        Path file = resolve(key);
        if (!Files.isRegularFile(file)) {
            throw missing(key);
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw missing(key);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read object '" + key + "' from store " + describe() + ": " + e, e);
        }
    }

    @Override
    public InputStream open(String key) {
        Path file = resolve(key);
        if (!Files.isRegularFile(file)) {
            throw missing(key);
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw missing(key);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot open object '" + key + "' in store " + describe() + ": " + e, e);
        }
    }

    @Override
    public void put(String key, byte[] content) {
        Objects.requireNonNull(content, "content");
        Path file = writable(key);
        try {
            AtomicFiles.write(file, content);
        } catch (IOException e) {
            throw writeFailed(key, e);
        }
        log.debug("put {} ({} bytes) in {}", key, content.length, describe());
    }

    @Override
    public void put(String key, InputStream content) {
        Objects.requireNonNull(content, "content");
        Path file = writable(key);
        try {
            AtomicFiles.write(file, content);
        } catch (IOException e) {
            throw writeFailed(key, e);
        }
        log.debug("put {} (stream) in {}", key, describe());
    }

    @Override
    public List<String> list(String prefix) {
        String p = prefix == null ? "" : prefix;
        int slash = p.lastIndexOf('/');
        Path start = root;
        if (p.startsWith("/")) {
            throw new ObjectStoreException("invalid prefix '" + prefix + "' for store " + describe()
                    + ": absolute prefixes are not allowed, keys are relative to the store");
        }
        if (slash >= 0) {
            String folder = p.substring(0, slash);
            RelativeKeys.problem(root, folder).ifPresent(why -> {
                throw new ObjectStoreException("invalid prefix '" + prefix + "' for store " + describe() + ": " + why);
            });
            start = root.resolve(folder);
        } else if (p.indexOf('\\') >= 0) {
            throw new ObjectStoreException("invalid prefix '" + prefix + "' for store " + describe()
                    + ": backslashes are not allowed, use '/' to separate folders");
        }
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(start)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !AtomicFiles.isTempFile(f))
                    .map(f -> RelativeKeys.keyOf(root, f))
                    .filter(k -> k.startsWith(p))
                    .sorted()
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ObjectStoreException("cannot list prefix '" + p + "' in store " + describe() + ": " + e, e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public void delete(String key) {
        Path file = resolve(key);
        if (!Files.isRegularFile(file)) {
            return; // absent, or a folder of other objects: no object by that key either way
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot delete object '" + key + "' from store " + describe() + ": " + e, e);
        }
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    @Override
    public String toString() {
        return "DirectoryObjectStore[" + describe() + "]";
    }

    private Path resolve(String key) {
        RelativeKeys.problem(root, key).ifPresent(why -> {
            throw new ObjectStoreException("invalid object key '" + key + "' for store " + describe() + ": " + why);
        });
        return root.resolve(key).normalize();
    }

    private Path writable(String key) {
        Path file = resolve(key);
        if (Files.isDirectory(file)) {
            // A rename would silently replace an empty folder; here a key is an object or a folder, not both.
            throw new ObjectStoreException("cannot write object '" + key + "' to store " + describe()
                    + ": it is a folder holding other objects");
        }
        return file;
    }

    private ObjectStoreException missing(String key) {
        return new ObjectStoreException("no object '" + key + "' in store " + describe());
    }

    private ObjectStoreException writeFailed(String key, IOException e) {
        return new ObjectStoreException("cannot write object '" + key + "' to store " + describe() + ": " + e, e);
    }
}
