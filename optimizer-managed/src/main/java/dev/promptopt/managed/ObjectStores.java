package dev.promptopt.managed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptopt.InvalidInputException;
import dev.promptopt.ObjectStore;
import dev.promptopt.core.io.JsonSupport;
import dev.promptopt.core.local.DirectoryObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.promptopt.ObjectStoreProvider;
import dev.promptopt.spi.Services;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Named object stores, as SAP's object store secrets: {@code default} is mandatory and receives every
 * output; inputs (datasets) may come from any name. A location is written {@code <store>:<path>}, or a bare
 * path in {@code default}.
 *
 * <pre>{@code
 * ObjectStores stores = ObjectStores.load(Path.of("stores.json"));
 * // {"default": {"type": "s3", "bucket": "results", "endpoint": "https://...", "region": "eu-central-1",
 * //              "pathPrefix": "optimizations", "accessKeyIdEnv": "S3_ID", "secretAccessKeyEnv": "S3_SECRET"},
 * //  "data":    {"type": "local", "root": "datasets"}}
 * byte[] train = stores.read("data:qa/train.json");
 * stores.defaultStore().put("exec-1/result-data/results.json", bytes);
 * }</pre>
 *
 * <p>Store types come from {@link ObjectStoreProvider}s on the classpath; {@code local} (option {@code root},
 * relative to the description's folder) is built in.
 */
public final class ObjectStores {
    /** The store that receives outputs. */
    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Pattern LOCATION = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*):(?!/)(.*)");

    private final Map<String, ObjectStore> stores;

    private ObjectStores(Map<String, ObjectStore> stores) {
        this.stores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stores));
    }

    /**
     * Stores built in code.
     *
     * @throws InvalidInputException when {@code default} is missing or a name is invalid
     */
    public static ObjectStores of(Map<String, ObjectStore> stores) {
        List<String> problems = new ArrayList<>();
        if (!stores.containsKey(DEFAULT)) {
            problems.add("no store named '" + DEFAULT + "': it is mandatory and receives the outputs");
        }
        for (String n : stores.keySet()) {
            if (!NAME.matcher(n).matches()) {
                problems.add("invalid store name '" + n + "': expected a letter, then letters, digits, '_' or '-'");
            }
        }
        if (!problems.isEmpty()) {
            throw InvalidInputException.of("object stores", problems);
        }
        return new ObjectStores(stores);
    }

    /** One store as {@code default}. */
    public static ObjectStores of(ObjectStore defaultStore) {
        return of(Map.of(DEFAULT, defaultStore));
    }

    /** Reads a JSON description (see the class comment); relative local roots resolve against its folder. */
    public static ObjectStores load(Path file) {
        JsonNode node = JsonSupport.readTree(file, "object store description");
        Path base = file.toAbsolutePath().getParent();
        List<String> problems = new ArrayList<>();
        ObjectStores stores = fromJson(node, base, "", problems);
        if (!problems.isEmpty()) {
            throw InvalidInputException.of(file.toString(), problems);
        }
        return stores;
    }

    /**
     * Builds stores from a JSON object, appending every problem (prefixed with the key path {@code where}, e.g.
     * {@code objectStores}; "" for a file of its own) to {@code problems};
     * returns null when there were problems.
     */
    static ObjectStores fromJson(JsonNode node, Path baseDirectory, String where, List<String> problems) {
        int before = problems.size();
        String top = where.isEmpty() ? "" : where + ": ";
        String dot = where.isEmpty() ? "" : where + ".";
        if (node == null || !node.isObject()) {
            problems.add(top + "expected an object of named stores, e.g. {\"default\": {\"type\": \"local\", \"root\": \"store\"}}");
            return null;
        }
        Map<String, ObjectStoreProvider> providers = providers();
        Map<String, ObjectStore> out = new LinkedHashMap<>();
        if (!node.has(DEFAULT)) {
            problems.add(top + "no store named '" + DEFAULT + "': it is mandatory and receives the outputs"
                    + Suggestions.didYouMean(DEFAULT, iterable(node.fieldNames())));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String at = dot + name;
            if (!NAME.matcher(name).matches()) {
                problems.add(at + ": invalid store name: expected a letter, then letters, digits, '_' or '-'");
                continue;
            }
            JsonNode spec = e.getValue();
            if (!spec.isObject()) {
                problems.add(at + ": expected an object with \"type\" and the store's options");
                continue;
            }
            String type = spec.path("type").asText("");
            ObjectStoreProvider provider = providers.get(type);
            if (type.isEmpty()) {
                problems.add(at + ".type: missing; one of " + new TreeSet<>(providers.keySet()));
                continue;
            }
            if (provider == null) {
                problems.add(at + ".type: unknown store type '" + type + "'" + Suggestions.didYouMean(type, providers.keySet())
                        + "; known: " + new TreeSet<>(providers.keySet())
                        + (type.equals("s3") ? " (add dev.promptopt:optimizer-s3 to the classpath)" : ""));
                continue;
            }
            Map<String, String> options = new LinkedHashMap<>();
            boolean ok = true;
            for (Iterator<Map.Entry<String, JsonNode>> o = spec.fields(); o.hasNext(); ) {
                Map.Entry<String, JsonNode> opt = o.next();
                if (opt.getKey().equals("type")) {
                    continue;
                }
                if (!provider.options().contains(opt.getKey())) {
                    problems.add(at + "." + opt.getKey() + ": unknown option for a " + type + " store"
                            + Suggestions.didYouMean(opt.getKey(), provider.options()) + "; known: "
                            + new TreeSet<>(provider.options()));
                    ok = false;
                } else if (!opt.getValue().isValueNode() || opt.getValue().isNull()) {
                    problems.add(at + "." + opt.getKey() + ": expected a string, found " + opt.getValue());
                    ok = false;
                } else {
                    options.put(opt.getKey(), opt.getValue().asText());
                }
            }
            if (!ok) {
                continue;
            }
            try {
                out.put(name, provider.create(name, options, baseDirectory));
            } catch (InvalidInputException ex) {
                ex.problems().forEach(p -> problems.add(at + ": " + p));
            }
        }
        return problems.size() > before ? null : new ObjectStores(out);
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    private static Map<String, ObjectStoreProvider> providers() {
        Map<String, ObjectStoreProvider> byType = new LinkedHashMap<>();
        byType.put("local", new LocalProvider());
        for (String type : Services.names(ObjectStoreProvider.class, ObjectStoreProvider::type)) {
            Services.named(ObjectStoreProvider.class, ObjectStoreProvider::type, type, "object store provider",
                    "promptopt.store." + type).ifPresent(p -> byType.putIfAbsent(type, p));
        }
        return byType;
    }

    /** The store that receives outputs. */
    public ObjectStore defaultStore() {
        return stores.get(DEFAULT);
    }

    /**
     * A store by name.
     *
     * @throws InvalidInputException naming the known stores when there is none by that name
     */
    public ObjectStore get(String name) {
        ObjectStore s = stores.get(name);
        if (s == null) {
            throw new InvalidInputException("no object store named '" + name + "'" + Suggestions.didYouMean(name, stores.keySet())
                    + " (stores: " + stores.keySet() + ")");
        }
        return s;
    }

    public Set<String> names() {
        return stores.keySet();
    }

    /** A parsed location: {@code data:qa/train.json} is store {@code data}, key {@code qa/train.json}. */
    public record Location(String store, String key) {
        @Override
        public String toString() {
            return store + ":" + key;
        }
    }

    /**
     * Splits {@code <store>:<path>} (or a bare path, in {@code default}).
     *
     * @throws InvalidInputException when the named store does not exist or the path is empty
     */
    public Location locate(String location) {
        Matcher m = LOCATION.matcher(location);
        String store = DEFAULT;
        String key = location;
        if (m.matches()) {
            store = m.group(1);
            key = m.group(2);
        }
        get(store);
        if (key.isEmpty()) {
            throw new InvalidInputException("location '" + location + "' has no path after the store name");
        }
        return new Location(store, key);
    }

    /** The bytes at a location. */
    public byte[] read(String location) {
        Location l = locate(location);
        return get(l.store()).get(l.key());
    }

    @Override
    public String toString() {
        Map<String, String> d = new LinkedHashMap<>();
        stores.forEach((k, v) -> d.put(k, v.describe()));
        return "ObjectStores" + d;
    }

    /** {@code {"type": "local", "root": "folder"}}. */
    static final class LocalProvider implements ObjectStoreProvider {
        @Override
        public String type() {
            return "local";
        }

        @Override
        public Set<String> options() {
            return Set.of("root");
        }

        @Override
        public ObjectStore create(String name, Map<String, String> options, Path baseDirectory) {
            String root = options.get("root");
            if (root == null || root.isBlank()) {
                throw new InvalidInputException("root: missing; the folder of a local store, e.g. \"root\": \"store\"");
            }
            Path p = Path.of(root);
            return new DirectoryObjectStore(baseDirectory == null ? p : baseDirectory.resolve(p));
        }
    }
}
