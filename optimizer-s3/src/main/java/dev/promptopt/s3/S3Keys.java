package dev.promptopt.s3;

import java.util.Optional;

/** The local store's key rules, for keys that become S3 object names under a prefix. */
final class S3Keys {
    private S3Keys() {
    }

    /** Why a key is refused, or empty when it is fine. */
    static Optional<String> keyProblem(String key) {
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

    /** Why a list prefix is refused: the same rules for its folder part; "" and "a/" are fine. */
    static Optional<String> prefixProblem(String prefix) {
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        if (prefix.startsWith("/")) {
            return Optional.of("absolute prefixes are not allowed, keys are relative to the store");
        }
        if (prefix.indexOf('\\') >= 0) {
            return Optional.of("backslashes are not allowed, use '/' to separate folders");
        }
        int slash = prefix.lastIndexOf('/');
        if (slash >= 0) {
            return keyProblem(prefix.substring(0, slash));
        }
        return Optional.empty();
    }
}
