package dev.promptopt.core.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptUri;
import dev.promptopt.PromptVersion;
import dev.promptopt.core.io.JsonSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A prompt registry in a local folder, one JSON file per version:
 *
 * <pre>
 * &lt;root&gt;/sentiment/v1.json       {"name", "version", "template", "commitMessage", "tags", "createdAt"}
 * &lt;root&gt;/sentiment/v2.json
 * &lt;root&gt;/sentiment/aliases.json  {"production": 1}
 * </pre>
 *
 * <p>Files are replaced atomically, so readers never see a half-written version. Version numbers are
 * allocated under a per-prompt lock file, so registrations from several threads or processes get
 * distinct, consecutive versions. The template is {@code {"type":"text","template":"..."}} or
 * {@code {"type":"chat","messages":[{"role":"system","content":"..."}]}}.
 *
 * <pre>{@code
 * PromptRegistry registry = new DirectoryPromptRegistry(Path.of("prompts"));
 * PromptVersion v1 = registry.register("sentiment", "Classify: {{text}}");
 * registry.setAlias("sentiment", "production", v1.version());
 * }</pre>
 */
public final class DirectoryPromptRegistry implements PromptRegistry {
    private static final Logger log = LoggerFactory.getLogger(DirectoryPromptRegistry.class);
    private static final Pattern VERSION_FILE = Pattern.compile("v([0-9]{1,9})\\.json");
    private static final String ALIASES_FILE = "aliases.json";
    private static final String LOCK_FILE = ".lock";
    /**
     * One JVM may hold only one FileLock per file, even across registry instances; this in-process lock,
     * keyed by lock file, serializes threads before they take the file lock.
     */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final Clock clock;

    /** A registry in {@code root}, created if missing. */
    public DirectoryPromptRegistry(Path root) {
        this(root, Clock.systemUTC());
    }

    /** A registry whose creation times come from {@code clock}. */
    public DirectoryPromptRegistry(Path root, Clock clock) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot create prompt registry folder " + this.root + ": " + e, e);
        }
    }

    /** The registry's folder. */
    public Path root() {
        return root;
    }

    @Override
    public PromptVersion register(String name, PromptTemplate template, String commitMessage, Map<String, String> tags) {
        RegistrySupport.requireStorableName(name);
        Objects.requireNonNull(template, "template");
        PromptVersion registered = withLock(name, () -> {
            int next = versionNumbers(name).stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            PromptVersion v = new PromptVersion(name, next, template, commitMessage, tags, null, clock.instant());
            JsonSupport.writeJson(versionFile(name, next), PromptVersionJson.toJson(v));
            return v;
        });
        log.debug("registered {} in {}", registered.uri(), root);
        return registered;
    }

    @Override
    public PromptVersion load(PromptUri uri) {
        java.util.Optional<PromptVersion> candidate = dev.promptopt.core.CandidatePrompts.lookup(uri); // during an evaluation
        if (candidate.isPresent()) {
            return candidate.get();
        }
        String name = uri.name();
        RegistrySupport.requireStorableName(name);
        List<Integer> numbers = versionNumbers(name);
        if (numbers.isEmpty()) {
            throw RegistrySupport.noPrompt(name, where(), search(""));
        }
        Map<String, Integer> aliases = readAliases(name);
        int version;
        if (uri.version() != null) {
            version = uri.version();
            if (!numbers.contains(version)) {
                throw RegistrySupport.noVersion(name, version, numbers, where());
            }
        } else if (uri.alias() != null) {
            Integer target = aliases.get(uri.alias());
            if (target == null) {
                throw RegistrySupport.noAlias(name, uri.alias(), aliases, where());
            }
            if (!numbers.contains(target)) {
                throw RegistrySupport.aliasToMissingVersion(name, uri.alias(), target, numbers, where());
            }
            version = target;
        } else {
            version = numbers.get(numbers.size() - 1);
        }
        return RegistrySupport.withAliases(readVersion(name, version), aliases);
    }

    @Override
    public List<PromptVersion> versions(String name) {
        RegistrySupport.requireStorableName(name);
        List<Integer> numbers = versionNumbers(name);
        if (numbers.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> aliases = readAliases(name);
        List<PromptVersion> out = new ArrayList<>(numbers.size());
        for (int n : numbers) {
            out.add(RegistrySupport.withAliases(readVersion(name, n), aliases));
        }
        return List.copyOf(out);
    }

    @Override
    public void setAlias(String name, String alias, int version) {
        RegistrySupport.requireStorableName(name);
        RegistrySupport.requireValidAlias(name, alias);
        if (versionNumbers(name).isEmpty()) {
            throw RegistrySupport.noPrompt(name, where(), search(""));
        }
        withLock(name, () -> {
            List<Integer> numbers = versionNumbers(name);
            if (!numbers.contains(version)) {
                throw RegistrySupport.noVersion(name, version, numbers, where());
            }
            Map<String, Integer> aliases = readAliases(name);
            aliases.put(alias, version);
            writeAliases(name, aliases);
            return null;
        });
        log.debug("alias {}@{} -> version {} in {}", name, alias, version, root);
    }

    @Override
    public void deleteAlias(String name, String alias) {
        RegistrySupport.requireStorableName(name);
        RegistrySupport.requireValidAlias(name, alias);
        if (!Files.isRegularFile(promptDir(name).resolve(ALIASES_FILE))) {
            return;
        }
        withLock(name, () -> {
            Map<String, Integer> aliases = readAliases(name);
            if (aliases.remove(alias) != null) {
                writeAliases(name, aliases);
            }
            return null;
        });
    }

    @Override
    public List<String> search(String nameContains) {
        String needle = nameContains == null ? "" : nameContains.toLowerCase(Locale.ROOT);
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.toLowerCase(Locale.ROOT).contains(needle))
                    .filter(n -> isStorableName(n) && !versionNumbers(n).isEmpty())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot list prompt registry folder " + root + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "DirectoryPromptRegistry[" + root + "]";
    }

    private String where() {
        return "registry " + root;
    }

    private static boolean isStorableName(String name) {
        try {
            RegistrySupport.requireStorableName(name);
            return true;
        } catch (PromptOptimizerException e) {
            return false;
        }
    }

    private Path promptDir(String name) {
        return root.resolve(name);
    }

    private Path versionFile(String name, int version) {
        return promptDir(name).resolve("v" + version + ".json");
    }

    /** Version numbers present on disk, ascending; empty when the prompt does not exist. */
    private List<Integer> versionNumbers(String name) {
        Path dir = promptDir(name);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> VERSION_FILE.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1)))
                    .filter(v -> v >= 1)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot list versions of prompt '" + name + "' in " + dir + ": " + e, e);
        }
    }

    private PromptVersion readVersion(String name, int version) {
        Path file = versionFile(name, version);
        PromptVersion v = PromptVersionJson.fromJson(JsonSupport.readTree(file, "prompt version"), file);
        if (!v.name().equals(name) || v.version() != version) {
            throw PromptVersionJson.corrupt(file, "it holds " + v.uri() + ", expected " + PromptUri.of(name, version));
        }
        return v;
    }

    private Map<String, Integer> readAliases(String name) {
        Path file = promptDir(name).resolve(ALIASES_FILE);
        Map<String, Integer> aliases = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            return aliases;
        }
        JsonNode node = JsonSupport.readTree(file, "prompt aliases");
        if (!node.isObject()) {
            throw new PromptOptimizerException("corrupt prompt aliases file " + file + ": expected an object of "
                    + "alias -> version, found " + node.getNodeType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToExactIntegral() || !e.getValue().canConvertToInt()) {
                throw new PromptOptimizerException("corrupt prompt aliases file " + file + ": alias '" + e.getKey()
                        + "' must map to a version number, found " + e.getValue());
            }
            aliases.put(e.getKey(), e.getValue().intValue());
        }
        return aliases;
    }

    private void writeAliases(String name, Map<String, Integer> aliases) {
        ObjectNode node = JsonSupport.mapper().createObjectNode();
        new TreeMap<>(aliases).forEach(node::put);
        JsonSupport.writeJson(promptDir(name).resolve(ALIASES_FILE), node);
    }

    private interface Action<T> {
        T run() throws IOException;
    }

    /** Runs the action holding both the in-process lock and the prompt's lock file (other processes). */
    private <T> T withLock(String name, Action<T> action) {
        Path dir = promptDir(name);
        Path lockFile = dir.resolve(LOCK_FILE);
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        jvmLock.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.lock(); // released when the channel closes
                return action.run();
            }
        } catch (NoSuchFileException e) {
            throw new PromptOptimizerException("cannot update prompt '" + name + "' in " + where()
                    + ": missing " + e.getFile(), e);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot update prompt '" + name + "' in " + where() + ": " + e, e);
        } catch (UncheckedIOException e) {
            throw new PromptOptimizerException("cannot update prompt '" + name + "' in " + where() + ": " + e.getCause(), e);
        } finally {
            jvmLock.unlock();
        }
    }
}
