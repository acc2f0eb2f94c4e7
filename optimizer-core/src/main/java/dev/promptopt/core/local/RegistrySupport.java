package dev.promptopt.core.local;

import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptNotFoundException;
import dev.promptopt.PromptUri;
import dev.promptopt.PromptVersion;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Validation and error messages both local registries share, so they read the same. */
final class RegistrySupport {
    private static final int MAX_LISTED = 20;

    private RegistrySupport() {
    }

    /** A valid prompt name that is also safe as a folder name ("." and ".." match the name rule). */
    static String requireStorableName(String name) {
        PromptUri.requireValidName(name);
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidInputException("invalid prompt name '" + name + "': '.' and '..' are reserved");
        }
        return name;
    }

    static void requireValidAlias(String name, String alias) {
        PromptUri.ofAlias(name, alias); // validates the alias with the same rule URIs use
    }

    static PromptNotFoundException noPrompt(String name, String where, Collection<String> names) {
        String known = names.isEmpty() ? "it holds no prompts" : "prompts: " + list(new TreeSet<>(names));
        return new PromptNotFoundException("no prompt '" + name + "' in " + where + " (" + known + ")");
    }

    static PromptNotFoundException noVersion(String name, int version, Collection<Integer> versions, String where) {
        return new PromptNotFoundException("prompt '" + name + "' has no version " + version + " ("
                + describeVersions(versions) + ") in " + where);
    }

    static PromptNotFoundException noAlias(String name, String alias, Map<String, Integer> aliases, String where) {
        String known = aliases.isEmpty() ? "no aliases" : "aliases: " + aliases.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " -> " + e.getValue())
                .collect(Collectors.joining(", "));
        return new PromptNotFoundException("prompt '" + name + "' has no alias '" + alias + "' (" + known + ") in " + where);
    }

    static PromptNotFoundException aliasToMissingVersion(String name, String alias, int version,
                                                         Collection<Integer> versions, String where) {
        return new PromptNotFoundException("prompt '" + name + "' alias '" + alias + "' points at version " + version
                + ", which does not exist (" + describeVersions(versions) + ") in " + where);
    }

    /** "versions 1..3", "only version 1", "versions 1, 2, 5". */
    static String describeVersions(Collection<Integer> versions) {
        return dev.promptopt.spi.VersionText.describe(versions);
    }

    /** A copy of the version carrying the aliases that point at it. */
    static PromptVersion withAliases(PromptVersion v, Map<String, Integer> aliases) {
        Set<String> mine = aliases.entrySet().stream()
                .filter(e -> e.getValue() == v.version())
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        return new PromptVersion(v.name(), v.version(), v.template(), v.commitMessage(), v.tags(), mine, v.createdAt());
    }

    private static String list(Collection<?> items) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (Object item : items) {
            if (i == MAX_LISTED) {
                sb.append(", ... (").append(items.size() - MAX_LISTED).append(" more)");
                break;
            }
            if (i++ > 0) {
                sb.append(", ");
            }
            sb.append(item);
        }
        return sb.toString();
    }
}
