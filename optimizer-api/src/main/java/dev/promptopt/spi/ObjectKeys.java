package dev.promptopt.spi;

import java.util.Optional;

/**
 * The rules every object store applies to keys: relative, '/'-separated, no empty, '.' or '..' segments, no
 * backslashes or NUL. One place, so a key means the same in a local folder and in S3; an {@link
 * dev.promptopt.ObjectStore} of another kind applies them too.
 *
 * <pre>{@code
 * ObjectKeys.problem("runs/../x").ifPresent(why -> { throw new IllegalArgumentException("key: " + why); });
 * }</pre>
 */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    /** Why the key is refused, or empty when it is fine. */
    public static Optional<String> problem(String key) {
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
        }
        return Optional.empty();
    }
}
