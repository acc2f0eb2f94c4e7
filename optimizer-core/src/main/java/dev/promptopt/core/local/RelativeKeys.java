package dev.promptopt.core.local;

import dev.promptopt.core.internal.AtomicFiles;
import dev.promptopt.core.internal.ObjectKeys;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks '/'-separated relative keys (object keys, artifact paths) before they become file paths, so
 * that nothing written through a store or a run lands outside its folder.
 */
final class RelativeKeys {
    private RelativeKeys() {
    }

    /** Why the key is refused, or empty when it is fine; {@code root} must be absolute and normalized. */
    static Optional<String> problem(Path root, String key) {
        Optional<String> syntax = ObjectKeys.problem(key);
        if (syntax.isPresent()) {
            return syntax;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.startsWith(AtomicFiles.TEMP_PREFIX)) {
                return Optional.of("names starting with '" + AtomicFiles.TEMP_PREFIX + "' are reserved for temporary files");
            }
        }
        try {
            Path resolved = root.resolve(key).normalize();
            if (!resolved.startsWith(root) || resolved.equals(root)) {
                return Optional.of("it resolves outside the store");
            }
        } catch (InvalidPathException e) {
            return Optional.of("it is not a valid path on this file system (" + e.getReason() + ")");
        }
        return Optional.empty();
    }

    /** The key of a file under root: its relative path joined with '/'. */
    static String keyOf(Path root, Path file) {
        Path rel = root.relativize(file);
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
