package dev.promptopt;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One registered version of a prompt.
 *
 * <pre>{@code
 * PromptVersion v = registry.register("sentiment", "Classify: {{text}}");
 * v.uri();        // "prompts:/sentiment/1"
 * v.template().format(Map.of("text", "great"));
 * }</pre>
 *
 * @param name          the prompt name
 * @param version       1, 2, 3, ... within the name
 * @param template      the template
 * @param commitMessage why this version exists (may be empty)
 * @param tags          free-form tags
 * @param aliases       aliases that point at this version
 * @param createdAt     when it was registered
 */
public record PromptVersion(String name, int version, PromptTemplate template, String commitMessage,
                            Map<String, String> tags, Set<String> aliases, Instant createdAt) {
    public PromptVersion {
        PromptUri.requireValidName(name);
        if (version < 1) {
            throw new InvalidInputException("prompt '" + name + "': version must be >= 1, found " + version);
        }
        Objects.requireNonNull(template, "template");
        commitMessage = commitMessage == null ? "" : commitMessage;
        tags = Map.copyOf(tags == null ? Map.of() : tags);
        aliases = Set.copyOf(aliases == null ? Set.of() : aliases);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** {@code prompts:/name/version}. */
    public String uri() {
        return PromptUri.of(name, version).toString();
    }
}
