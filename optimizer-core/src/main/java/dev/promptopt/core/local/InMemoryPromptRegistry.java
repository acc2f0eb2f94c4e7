package dev.promptopt.core.local;

import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptUri;
import dev.promptopt.PromptVersion;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A prompt registry held in memory, for tests and notebooks. Thread-safe; lost when the JVM exits.
 *
 * <pre>{@code
 * PromptRegistry registry = new InMemoryPromptRegistry();
 * registry.register("sentiment", "Classify: {{text}}");
 * PromptVersion latest = registry.load("prompts:/sentiment");
 * }</pre>
 */
public final class InMemoryPromptRegistry implements PromptRegistry {
    private static final String WHERE = "the in-memory registry";

    private final Clock clock;
    private final Map<String, Entry> prompts = new HashMap<>();

    public InMemoryPromptRegistry() {
        this(Clock.systemUTC());
    }

    /** A registry whose creation times come from {@code clock}. */
    public InMemoryPromptRegistry(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Versions without aliases (attached on the way out) and the alias table. */
    private static final class Entry {
        final TreeMap<Integer, PromptVersion> versions = new TreeMap<>();
        final TreeMap<String, Integer> aliases = new TreeMap<>();
    }

    @Override
    public synchronized PromptVersion register(String name, PromptTemplate template, String commitMessage,
                                               Map<String, String> tags) {
        RegistrySupport.requireStorableName(name);
        Objects.requireNonNull(template, "template");
        Entry entry = prompts.get(name);
        int next = entry == null ? 1 : entry.versions.lastKey() + 1;
        PromptVersion v = new PromptVersion(name, next, template, commitMessage, tags, null, clock.instant());
        prompts.computeIfAbsent(name, k -> new Entry()).versions.put(next, v);
        return v;
    }

    @Override
    public synchronized PromptVersion load(PromptUri uri) {
        java.util.Optional<PromptVersion> candidate = dev.promptopt.core.CandidatePrompts.lookup(uri); // during an evaluation
        if (candidate.isPresent()) {
            return candidate.get();
        }
        String name = uri.name();
        Entry entry = prompts.get(name);
        if (entry == null) {
            throw RegistrySupport.noPrompt(name, WHERE, prompts.keySet());
        }
        PromptVersion v;
        if (uri.version() != null) {
            v = entry.versions.get(uri.version());
            if (v == null) {
                throw RegistrySupport.noVersion(name, uri.version(), entry.versions.keySet(), WHERE);
            }
        } else if (uri.alias() != null) {
            Integer target = entry.aliases.get(uri.alias());
            if (target == null) {
                throw RegistrySupport.noAlias(name, uri.alias(), entry.aliases, WHERE);
            }
            v = entry.versions.get(target);
        } else {
            v = entry.versions.lastEntry().getValue();
        }
        return RegistrySupport.withAliases(v, entry.aliases);
    }

    @Override
    public synchronized List<PromptVersion> versions(String name) {
        RegistrySupport.requireStorableName(name);
        Entry entry = prompts.get(name);
        if (entry == null) {
            return List.of();
        }
        List<PromptVersion> out = new ArrayList<>(entry.versions.size());
        for (PromptVersion v : entry.versions.values()) {
            out.add(RegistrySupport.withAliases(v, entry.aliases));
        }
        return List.copyOf(out);
    }

    @Override
    public synchronized void setAlias(String name, String alias, int version) {
        RegistrySupport.requireStorableName(name);
        RegistrySupport.requireValidAlias(name, alias);
        Entry entry = prompts.get(name);
        if (entry == null) {
            throw RegistrySupport.noPrompt(name, WHERE, prompts.keySet());
        }
        if (!entry.versions.containsKey(version)) {
            throw RegistrySupport.noVersion(name, version, entry.versions.keySet(), WHERE);
        }
        entry.aliases.put(alias, version);
    }

    @Override
    public synchronized void deleteAlias(String name, String alias) {
        RegistrySupport.requireStorableName(name);
        RegistrySupport.requireValidAlias(name, alias);
        Entry entry = prompts.get(name);
        if (entry != null) {
            entry.aliases.remove(alias);
        }
    }

    @Override
    public synchronized List<String> search(String nameContains) {
        String needle = nameContains == null ? "" : nameContains.toLowerCase(Locale.ROOT);
        return prompts.keySet().stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).contains(needle))
                .sorted()
                .toList();
    }

    @Override
    public String toString() {
        return "InMemoryPromptRegistry";
    }
}
