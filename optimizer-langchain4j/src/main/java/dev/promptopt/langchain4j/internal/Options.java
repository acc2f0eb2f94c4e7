package dev.promptopt.langchain4j.internal;

import dev.promptopt.InvalidInputException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Typed reads of a provider's string options, with errors naming the provider, option and value. */
public final class Options {
    private final String provider;
    private final Map<String, String> options;

    public Options(String provider, Map<String, String> options) {
        this.provider = provider;
        this.options = options == null ? Map.of() : options;
    }

    public Optional<String> string(String key) {
        String v = options.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public Optional<Integer> integer(String key) {
        return string(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw bad(key, v, "an integer");
            }
        });
    }

    public Optional<Double> decimal(String key) {
        return string(key).map(v -> {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw bad(key, v, "a number");
            }
        });
    }

    /** Seconds ({@code 30}, {@code 2.5}) or an ISO-8601 duration ({@code PT30S}). */
    public Optional<Duration> duration(String key) {
        return string(key).map(v -> {
            try {
                if (v.startsWith("P") || v.startsWith("p")) {
                    return Duration.parse(v);
                }
                return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
            } catch (RuntimeException e) {
                throw bad(key, v, "seconds or an ISO-8601 duration such as PT30S");
            }
        });
    }

    public void rejectUnknown(String... known) {
        Set<String> allowed = Set.of(known);
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new InvalidInputException(provider + ":/ does not know the option(s) " + unknown + "; known: "
                    + new TreeSet<>(allowed));
        }
    }

    private InvalidInputException bad(String key, String value, String expected) {
        // Values are echoed except for keys, which must never reach a log or message.
        String shown = key.toLowerCase(java.util.Locale.ROOT).contains("key") ? "<redacted>" : "'" + value + "'";
        return new InvalidInputException(provider + ":/ option '" + key + "' must be " + expected + ", found " + shown);
    }
}
