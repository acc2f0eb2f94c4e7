package dev.promptopt.core.local;

import dev.promptopt.core.internal.AtomicFiles;
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
        if (key == null || key.isEmpty()) {
            return Optional.of("the key is empty");
        }
        if (key.indexOf('\\') >= 0) {
            return Optional.of("backslashes are not allowed, use '/' to separate folders");
        }
        if (key.startsWith("/")) {
            return Optional.of("absolute keys are not allowed, keys are relative to the store");
        }
        if (key.indexOf('\0') >= 0) {
            return Optional.of("NUL characters are not allowed");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("empty segments ('//' or a trailing '/') are not allowed");
            }
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.of("'" + segment + "' segments are not allowed");
            }
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
