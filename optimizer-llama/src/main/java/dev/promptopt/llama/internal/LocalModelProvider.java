package dev.promptopt.llama.internal;

import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelProvider;
import dev.promptopt.llama.LocalLlamaModel;
import dev.promptopt.llama.LocalModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code local:/smollm2-135m} (the default model from the cache) and {@code local:/<path-to.gguf>}.
 * Options: {@code contextSize}, {@code threads}, {@code maxTokens}, {@code temperature}, {@code seed}.
 */
public final class LocalModelProvider implements ModelProvider {
    public static final String DEFAULT_MODEL = "smollm2-135m";
    private static final Set<String> KNOWN_OPTIONS = Set.of("contextSize", "threads", "maxTokens", "temperature", "seed");

    @Override
    public String scheme() {
        return "local";
    }

    @Override
    public LanguageModel create(String model, Map<String, String> options) {
        Map<String, String> given = options == null ? Map.of() : options;
        // Unknown options fail before the model file is even looked at: loading takes seconds.
        TreeSet<String> unknown = new TreeSet<>(given.keySet());
        unknown.removeAll(KNOWN_OPTIONS);
        if (!unknown.isEmpty()) {
            throw new InvalidInputException("local:/ does not know the option(s) " + unknown + "; known: "
                    + new TreeSet<>(KNOWN_OPTIONS));
        }
        LocalLlamaModel.Builder b = LocalLlamaModel.builder();
        if (model.equals(DEFAULT_MODEL)) {
            b.modelPath(LocalModelFiles.defaultModelPath()).name("local:/" + DEFAULT_MODEL);
        } else if (model.endsWith(".gguf")) {
            // "local:/models/x.gguf" arrives as "models/x.gguf"; "local://abs/x.gguf" as "/abs/x.gguf".
            Path p = Path.of(model);
            if (!p.isAbsolute() && !Files.exists(p) && Files.exists(Path.of("/" + model))) {
                p = Path.of("/" + model);
            }
            b.modelPath(p).name("local:/" + model);
        } else {
            throw new InvalidInputException("unknown local model '" + model + "': expected local:/" + DEFAULT_MODEL
                    + " or local:/<path to a .gguf file>");
        }
        apply(given, "contextSize", "an integer", Integer::parseInt, b::contextSize);
        apply(given, "threads", "an integer", Integer::parseInt, b::threads);
        apply(given, "maxTokens", "an integer", Integer::parseInt, b::maxTokens);
        apply(given, "temperature", "a number", Double::parseDouble, b::temperature);
        apply(given, "seed", "an integer", Integer::parseInt, b::seed);
        return b.build();
    }

    private static <T> void apply(Map<String, String> options, String key, String expected,
            Function<String, T> parse, Consumer<T> setter) {
        String raw = options.get(key);
        if (raw == null || raw.isBlank()) {
            return;
        }
        T value;
        try {
            value = parse.apply(raw.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("local:/ option '" + key + "' must be " + expected + ", found '" + raw + "'");
        }
        setter.accept(value);
    }
}
