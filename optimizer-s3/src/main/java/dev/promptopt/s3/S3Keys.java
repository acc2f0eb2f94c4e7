package dev.promptopt.s3;

import dev.promptopt.spi.ObjectKeys;

import java.util.Optional;

/** The local store's key rules, for keys that become S3 object names under a prefix. */
final class S3Keys {
    private S3Keys() {
    }

    /** Why a key is refused, or empty when it is fine. */
    static Optional<String> keyProblem(String key) {
        return ObjectKeys.problem(key);
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
