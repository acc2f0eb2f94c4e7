package dev.promptopt;

import dev.promptopt.spi.EmbeddedDefaults;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where prompt templates live, with versions and aliases. SPI: the embedded directory registry,
 * an in-memory one, and MLflow's implement it.
 *
 * <pre>{@code
 * PromptRegistry registry = PromptRegistry.inDirectory(Path.of("prompts"));
 * PromptVersion v1 = registry.register("sentiment", "Classify: {{text}}");
 * registry.setAlias("sentiment", "production", 1);
 * PromptVersion prod = registry.load("prompts:/sentiment@production");
 * }</pre>
 */
public interface PromptRegistry {

    /** A registry in a local folder (created if missing): one JSON file per version, atomic writes. */
    static PromptRegistry inDirectory(Path directory) {
        return EmbeddedDefaults.get().directoryRegistry(directory);
    }

    /** A registry that lives in memory; for tests and notebooks. */
    static PromptRegistry inMemory() {
        return EmbeddedDefaults.get().inMemoryRegistry();
    }

    /**
     * Registers a new version of a prompt (version 1 when the name is new).
     *
     * @param commitMessage why this version exists; may be empty
     * @param tags          free-form tags; may be empty
     */
    PromptVersion register(String name, PromptTemplate template, String commitMessage, Map<String, String> tags);

    default PromptVersion register(String name, PromptTemplate template) {
        return register(name, template, "", Map.of());
    }

    default PromptVersion register(String name, String template) {
        return register(name, PromptTemplate.text(template), "", Map.of());
    }

    /**
     * Loads a version by URI: {@code prompts:/name/3}, {@code prompts:/name@alias} or {@code prompts:/name} (latest).
     *
     * @throws PromptNotFoundException when the prompt, version or alias is not there
     */
    default PromptVersion load(String uri) {
        return load(PromptUri.parse(uri));
    }

    PromptVersion load(PromptUri uri);

    /** Every version of a prompt, oldest first; empty when the prompt does not exist. */
    List<PromptVersion> versions(String name);

    /** The highest version of a prompt. */
    default Optional<PromptVersion> latest(String name) {
        List<PromptVersion> all = versions(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Points an alias at a version (moving it if it pointed elsewhere). */
    void setAlias(String name, String alias, int version);

    /** Removes an alias; does nothing when it does not exist. */
    void deleteAlias(String name, String alias);

    /** Prompt names containing the given text (case-insensitive); all names for an empty query. Sorted. */
    List<String> search(String nameContains);
}
