package dev.promptopt.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Whole-file replacement that readers never see half done: the content goes to a temporary file in
 * the target's directory, is forced to disk, then renamed over the target. Shared with the modules built on core.
 *
 * <pre>{@code
 * AtomicFiles.write(Path.of("state/checkpoint.json"), bytes);
 * }</pre>
 */
public final class AtomicFiles {
    /**
     * Names of temporary files start with this; listings skip them. Stores refuse keys whose file name
     * starts with it, so no user object can be mistaken for one.
     */
    public static final String TEMP_PREFIX = ".promptopt-tmp-";

    private AtomicFiles() {
    }

    /** Replaces (or creates) {@code target} with {@code content}; creates missing parent folders. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /** Replaces (or creates) {@code target} with everything read from {@code content} (not closed here). */
    public static void write(Path target, InputStream content) throws IOException {
        write(target, content::transferTo);
    }

    /** True for the temporary files this class creates (left behind only by a crash). */
    public static boolean isTempFile(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().startsWith(TEMP_PREFIX);
    }

    private interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        // Same folder as the target, so the rename stays on one file system and can be atomic.
        Path temp = Files.createTempFile(dir, TEMP_PREFIX + absolute.getFileName() + "-", ".tmp");
        boolean moved = false;
        try {
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                // createTempFile makes owner-only files; results and prompts are ordinary files others may read.
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(channel);
                writer.writeTo(out);
                out.flush();
                // Without this a crash after the rename could leave the new name pointing at empty data.
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
