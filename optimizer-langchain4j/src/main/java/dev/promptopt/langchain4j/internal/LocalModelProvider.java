package dev.promptopt.langchain4j.internal;

import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelProvider;
import dev.promptopt.langchain4j.LocalLlamaModel;
import dev.promptopt.langchain4j.LocalModelFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code local:/smollm2-135m} (the default model from the cache) and {@code local:/<path-to.gguf>}.
 * Options: {@code contextSize}, {@code threads}, {@code maxTokens}, {@code temperature}, {@code seed}.
 */
public final class LocalModelProvider implements ModelProvider {
    public static final String DEFAULT_MODEL = "smollm2-135m";

    @Override
    public String scheme() {
        return "local";
    }

    @Override
    public LanguageModel create(String model, Map<String, String> options) {
        LocalLlamaModel.Builder b = LocalLlamaModel.builder();
        if (model.equals(DEFAULT_MODEL)) {
            b.modelPath(LocalModelFiles.defaultModelPath()).name("local:/" + DEFAULT_MODEL);
        } else if (model.endsWith(".gguf")) {
            // "local:/models/x.gguf" arrives as "models/x.gguf"; "local://abs/x.gguf" as "/abs/x.gguf".
            Path p = Path.of(model);
            if (!p.isAbsolute() && !java.nio.file.Files.exists(p) && java.nio.file.Files.exists(Path.of("/" + model))) {
                p = Path.of("/" + model);
            }
            b.modelPath(p).name("local:/" + model);
        } else {
            throw new InvalidInputException("unknown local model '" + model + "': expected local:/" + DEFAULT_MODEL
                    + " or local:/<path to a .gguf file>");
        }
        Options o = new Options("local", options);
        o.integer("contextSize").ifPresent(b::contextSize);
        o.integer("threads").ifPresent(b::threads);
        o.integer("maxTokens").ifPresent(b::maxTokens);
        o.decimal("temperature").ifPresent(b::temperature);
        o.integer("seed").ifPresent(b::seed);
        o.rejectUnknown("contextSize", "threads", "maxTokens", "temperature", "seed");
        return b.build();
    }
}
