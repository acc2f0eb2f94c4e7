package dev.promptopt.core.local;

import dev.promptopt.core.io.AtomicFiles;
import dev.promptopt.spi.ObjectKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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
            Optional<String> link = throughLinkOutside(root, resolved);
            if (link.isPresent()) {
                return link;
            }
        } catch (InvalidPathException e) {
            return Optional.of("it is not a valid path on this file system (" + e.getReason() + ")");
        }
        return Optional.empty();
    }

    /**
     * A symbolic link on the way (or at the end) that leads outside the root: the deepest existing path is compared,
     * with every link resolved, with the root's real path.
     */
    private static Optional<String> throughLinkOutside(Path root, Path resolved) {
        Path existing = resolved;
        while (existing != null && existing.startsWith(root) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null || !existing.startsWith(root) || existing.equals(root)) {
            return Optional.empty();
        }
        try {
            Path realRoot = root.toRealPath();
            if (existing.toRealPath().startsWith(realRoot)) {
                return Optional.empty();
            }
            Path link = root;
            for (Path part : root.relativize(existing)) {
                link = link.resolve(part);
                if (Files.isSymbolicLink(link) && !link.toRealPath().startsWith(realRoot)) {
                    break;
                }
            }
            return Optional.of("it goes through a symbolic link (" + RelativeKeys.keyOf(root, link) + ") to "
                    + link.toRealPath() + ", outside the store");
        } catch (NoSuchFileException e) {
            return Optional.of("it goes through a symbolic link (" + keyOf(root, existing) + ") that leads nowhere");
        } catch (IOException e) {
            return Optional.of("cannot check its path for symbolic links: " + e);
        }
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
