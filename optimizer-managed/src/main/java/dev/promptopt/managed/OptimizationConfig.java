package dev.promptopt.managed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.MetricProvider;
import dev.promptopt.OptimizerFactory;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptUri;
import dev.promptopt.Secrets;
import dev.promptopt.core.cost.CostTable;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.io.JsonSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of a managed optimization run, in SAP AI Core's vocabulary plus what SAP lacks
 * (optimizer, budget, models for reflection and judging, concurrency, seed). Parsing checks every key and
 * value and reports all problems at once, each naming the key, before anything runs.
 *
 * <pre>{@code
 * {
 *   "basePrompt": "prompt-optimization/qa:1",            // or "prompts:/qa/1"
 *   "dataset": "data:qa/all.json",                       // or "trainDataset" + "testDataset"; "<store>:<path>" or a path in default
 *   "optimizationMetric": "JSON_Match",                  // Exact_Match, LLMaaJ:Sem_Sim_10, LLMaaJ:Sem_Sim_1, or a MetricProvider's name
 *   "targetModels": ["openai:/gpt-4o-mini", "anthropic:/claude-3-5-haiku"],
 *   "targetPromptMapping": {"openai:/gpt-4o-mini": "qa-mini"},   // or ["openai:/gpt-4o-mini=qa-mini:1"]
 *   "baseModel": "openai:/gpt-4o",
 *   "includeFewShotExamples": false, "fewShotExamples": 3,
 *   "prototypeMode": false,
 *   "optimizer": "gepa", "optimizerOptions": {"reflectionMinibatchSize": "3"},   // or "fewshot", "metaprompt",
 *                                                        // or a list run in order: ["gepa", "fewshot"] with
 *                                                        // options prefixed by name: {"fewshot.maxDemos": "4"}
 *   "budget": {"maxMetricCalls": 300, "maxDollars": 5.0,        // per target model
 *              "prices": {"my-model": {"input": 0.5, "output": 1.5}}},  // USD per 1M tokens, added to the defaults
 *   "reflectionModel": "openai:/gpt-4o", "judgeModel": "openai:/gpt-4o",
 *   "maxConcurrency": 8, "seed": 0,
 *   "registry": "prompts",                               // folder of the embedded registry, relative to this file
 *   "objectStores": {"default": {"type": "local", "root": "store"}, "data": {"type": "local", "root": "data"}},
 *   "tracking": "tracking"                               // optional folder for run metrics
 * }
 * }</pre>
 *
 * <p>{@code objectStores} may also be the path of a JSON file holding the same object (see {@link ObjectStores}).
 * With {@code includeFewShotExamples} and optimizer-fewshot on the classpath, a few-shot stage (at most
 * {@code fewShotExamples} demonstrations, chosen on the validation data) runs after the named optimizers, so the
 * examples in the optimized prompt are the ones that scored best, not the first k.
 * Defaults: {@code optimizer} gepa, {@code budget.maxMetricCalls} 300, {@code maxConcurrency} 8, {@code seed} 0,
 * {@code registry} {@code prompts}, {@code objectStores} a local store {@code store} as default, each target's
 * prompt name {@code <basePrompt name>-<provider>-<model>}. {@code budget.maxDollars} is enforced per target model from
 * the tokens every model reports, priced by {@code CostTable.defaults()} (unknown and local models cost nothing).
 */
public final class OptimizationConfig {
    static final Set<String> KEYS = Set.of("basePrompt", "baseModel", "dataset", "trainDataset", "testDataset",
            "optimizationMetric", "customMetricId", "targetModels", "targetPromptMapping", "includeFewShotExamples",
            "fewShotExamples", "prototypeMode", "optimizer", "optimizerOptions", "budget", "reflectionModel",
            "judgeModel", "maxConcurrency", "seed", "registry", "objectStores", "tracking");
    static final Set<String> BUDGET_KEYS = Set.of("maxMetricCalls", "maxDollars", "prices");
    public static final int MAX_TARGET_MODELS = 4;
    public static final int MIN_ROWS = 25;
    public static final int MIN_ROWS_PROTOTYPE = 3;
    static final long DEFAULT_MAX_METRIC_CALLS = 300;
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9_.-]+:/\\S+");
    private static final Pattern SAP_PROMPT = Pattern.compile("(?:([^/\\s]+)/)?([A-Za-z0-9_.-]+):([0-9]{1,9})");

    private final String source;
    private final Path baseDirectory;
    private final ObjectNode json;
    private final PromptUri basePrompt;
    private final String dataset;
    private final String trainDataset;
    private final String testDataset;
    private final String metric;
    private final List<String> targetModels;
    private final Map<String, String> targetPromptMapping;
    private final String baseModel;
    private final boolean includeFewShotExamples;
    private final int fewShotExamples;
    private final boolean prototypeMode;
    private final List<String> optimizers;
    private final Map<String, String> optimizerOptions;
    private final long maxMetricCalls;
    private final Double maxDollars;
    private final CostTable prices;
    private final String reflectionModel;
    private final String judgeModel;
    private final int maxConcurrency;
    private final long seed;
    private final Path registry;
    private final JsonNode objectStores;
    private final Path tracking;

    private OptimizationConfig(Parser p) {
        this.source = p.source;
        this.baseDirectory = p.baseDirectory;
        this.json = p.root;
        this.basePrompt = p.basePrompt;
        this.dataset = p.dataset;
        this.trainDataset = p.trainDataset;
        this.testDataset = p.testDataset;
        this.metric = p.metric;
        this.targetModels = List.copyOf(p.targetModels);
        this.targetPromptMapping = Collections.unmodifiableMap(new LinkedHashMap<>(p.mapping));
        this.baseModel = p.baseModel;
        this.includeFewShotExamples = p.fewShot;
        this.fewShotExamples = p.fewShotCount;
        this.prototypeMode = p.prototype;
        this.optimizers = p.optimizers;
        this.optimizerOptions = Collections.unmodifiableMap(new LinkedHashMap<>(p.optimizerOptions));
        this.maxMetricCalls = p.maxMetricCalls;
        this.maxDollars = p.maxDollars;
        this.prices = p.prices;
        this.reflectionModel = p.reflectionModel;
        this.judgeModel = p.judgeModel;
        this.maxConcurrency = p.maxConcurrency;
        this.seed = p.seed;
        this.registry = p.registry;
        this.objectStores = p.objectStores;
        this.tracking = p.tracking;
    }

    /**
     * Reads and checks a configuration file; relative paths in it resolve against its folder.
     *
     * @throws InvalidInputException naming the file and listing every problem, each starting with its key
     */
    public static OptimizationConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /**
     * Parses and checks a configuration held in memory.
     *
     * @param source        names the configuration in messages (a file name)
     * @param baseDirectory the folder relative paths resolve against
     */
    public static OptimizationConfig parse(String json, String source, Path baseDirectory) {
        JsonNode node;
        try {
            node = JsonSupport.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("configuration " + source + " is not valid JSON: line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException("configuration " + source + " must be a JSON object, found "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        Parser p = new Parser((ObjectNode) node, source, baseDirectory.toAbsolutePath());
        p.parse();
        if (!p.problems.isEmpty()) {
            throw InvalidInputException.of("configuration " + source + " is not valid", p.problems);
        }
        return new OptimizationConfig(p);
    }

    /** The configuration as JSON, as it was given (saved with each execution). */
    public ObjectNode toJson() {
        return json.deepCopy();
    }

    public String source() {
        return source;
    }

    public Path baseDirectory() {
        return baseDirectory;
    }

    /** The prompt to optimize, as a registry URI. */
    public PromptUri basePrompt() {
        return basePrompt;
    }

    /** The single dataset location, or null when train and test are given. */
    public String dataset() {
        return dataset;
    }

    public String trainDataset() {
        return trainDataset;
    }

    public String testDataset() {
        return testDataset;
    }

    /** The metric name ({@code optimizationMetric} or {@code customMetricId}). */
    public String optimizationMetric() {
        return metric;
    }

    public List<String> targetModels() {
        return targetModels;
    }

    /** Target model -> the prompt name its optimized template is registered under (every target has one). */
    public Map<String, String> targetPromptMapping() {
        return targetPromptMapping;
    }

    /** The reference model, or null. */
    public String baseModel() {
        return baseModel;
    }

    public boolean includeFewShotExamples() {
        return includeFewShotExamples;
    }

    /** How many examples {@code includeFewShotExamples} appends (default 3). */
    public int fewShotExamples() {
        return fewShotExamples;
    }

    public boolean prototypeMode() {
        return prototypeMode;
    }

    /** The optimizer's name; for a list, the names joined by {@code +} (e.g. {@code gepa+fewshot}). */
    public String optimizer() {
        return String.join("+", optimizers);
    }

    /** The optimizers run one after the other (one name, or the list given). */
    public List<String> optimizers() {
        return optimizers;
    }

    /**
     * The options of one optimizer: all of {@code optimizerOptions} when there is one optimizer; with a list, the
     * options prefixed with its name ({@code "fewshot.maxDemos"}), without the prefix.
     */
    public Map<String, String> optimizerOptions(String name) {
        return optionsFor(optimizers, optimizerOptions, name);
    }

    static Map<String, String> optionsFor(List<String> optimizers, Map<String, String> options, String name) {
        Map<String, String> out = new LinkedHashMap<>();
        String prefix = name + ".";
        options.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            } else if (optimizers.size() == 1) {
                out.put(k, v);
            }
        });
        return out;
    }

    public Map<String, String> optimizerOptions() {
        return optimizerOptions;
    }

    /** Metric calls per target model. */
    public long maxMetricCalls() {
        return maxMetricCalls;
    }

    /** Dollars per target model, or null. */
    public Double maxDollars() {
        return maxDollars;
    }

    /** The prices a dollar budget is counted with: the defaults plus {@code budget.prices}. */
    public CostTable prices() {
        return prices;
    }

    public String reflectionModel() {
        return reflectionModel;
    }

    public String judgeModel() {
        return judgeModel;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    public long seed() {
        return seed;
    }

    /** The embedded registry's folder. */
    public Path registry() {
        return registry;
    }

    /** The {@code objectStores} value: an object of named stores, a file path, or null for the default. */
    JsonNode objectStores() {
        return objectStores;
    }

    /** The tracking folder, or null. */
    public Path tracking() {
        return tracking;
    }

    /** Builds the named stores this configuration describes. */
    public ObjectStores buildStores() {
        List<String> problems = new ArrayList<>();
        ObjectStores stores;
        if (objectStores == null) {
            ObjectNode def = JsonSupport.mapper().createObjectNode();
            def.putObject(ObjectStores.DEFAULT).put("type", "local").put("root", "store");
            stores = ObjectStores.fromJson(def, baseDirectory, "objectStores", problems);
        } else if (objectStores.isTextual()) {
            Path file = baseDirectory.resolve(objectStores.asText());
            if (!Files.isRegularFile(file)) {
                problems.add("objectStores: file " + file + " does not exist");
                stores = null;
            } else {
                JsonNode node = JsonSupport.readTree(file, "object store description");
                stores = ObjectStores.fromJson(node, file.toAbsolutePath().getParent(), "objectStores (" + file + ")", problems);
            }
        } else {
            stores = ObjectStores.fromJson(objectStores, baseDirectory, "objectStores", problems);
        }
        if (!problems.isEmpty()) {
            throw InvalidInputException.of("configuration " + source + " is not valid", problems);
        }
        return stores;
    }

    /** The parsing pass: one method per key, every problem collected. */
    private static final class Parser {
        final ObjectNode root;
        final String source;
        final Path baseDirectory;
        final List<String> problems = new ArrayList<>();
        PromptUri basePrompt;
        String dataset;
        String trainDataset;
        String testDataset;
        String metric;
        final List<String> targetModels = new ArrayList<>();
        final Map<String, String> mapping = new LinkedHashMap<>();
        String baseModel;
        boolean fewShot;
        int fewShotCount = 3;
        boolean prototype;
        List<String> optimizers = List.of("gepa");
        final Map<String, String> optimizerOptions = new LinkedHashMap<>();
        long maxMetricCalls = DEFAULT_MAX_METRIC_CALLS;
        Double maxDollars;
        CostTable prices = CostTable.defaults();
        String reflectionModel;
        String judgeModel;
        int maxConcurrency = 8;
        long seed;
        Path registry;
        JsonNode objectStores;
        Path tracking;

        Parser(ObjectNode root, String source, Path baseDirectory) {
            this.root = root;
            this.source = source;
            this.baseDirectory = baseDirectory;
        }

        void parse() {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!KEYS.contains(key)) {
                    problems.add(key + ": unknown key" + Suggestions.didYouMean(key, KEYS));
                }
            }
            basePrompt();
            datasets();
            metric();
            targetModels();
            mapping();
            baseModel = model("baseModel", false);
            reflectionModel = model("reflectionModel", false);
            judgeModel = model("judgeModel", false);
            if (metric != null && Metrics.exists(metric) && Metrics.needsJudge(metric) && judgeModel == null) {
                problems.add((root.has("customMetricId") ? "customMetricId" : "optimizationMetric") + ": metric "
                        + metric + " needs a judge model: set judgeModel, e.g. \"judgeModel\": \"openai:/gpt-4o\"");
            }
            fewShot = bool("includeFewShotExamples", false);
            if (root.has("fewShotExamples")) {
                Long k = integer("fewShotExamples", 1, 50);
                if (k != null) {
                    fewShotCount = k.intValue();
                }
                if (!fewShot) {
                    problems.add("fewShotExamples: set only together with \"includeFewShotExamples\": true");
                }
            }
            prototype = bool("prototypeMode", false);
            optimizer();
            budget();
            Long c = root.has("maxConcurrency") ? integer("maxConcurrency", 1, PromptOptimizer.MAX_CONCURRENCY) : null;
            if (c != null) {
                maxConcurrency = c.intValue();
            }
            Long s = root.has("seed") ? integer("seed", Long.MIN_VALUE, Long.MAX_VALUE) : null;
            if (s != null) {
                seed = s;
            }
            String reg = text("registry", false);
            registry = baseDirectory.resolve(reg == null ? "prompts" : reg);
            String tr = text("tracking", false);
            tracking = tr == null ? null : baseDirectory.resolve(tr);
            if (root.has("objectStores")) {
                JsonNode os = root.get("objectStores");
                if (!os.isObject() && !os.isTextual()) {
                    problems.add("objectStores: expected an object of named stores or the path of a JSON file describing them");
                } else {
                    objectStores = os;
                }
            }
        }

        private void basePrompt() {
            String ref = text("basePrompt", true);
            if (ref == null) {
                return;
            }
            try {
                if (ref.startsWith("prompts:/")) {
                    basePrompt = PromptUri.parse(ref);
                    return;
                }
                Matcher m = SAP_PROMPT.matcher(ref);
                if (m.matches()) {
                    basePrompt = PromptUri.of(m.group(2), Integer.parseInt(m.group(3)));
                    return;
                }
                problems.add("basePrompt: '" + ref + "' is not a prompt reference: expected prompts:/<name>/<version> "
                        + "or SAP's <scenario>/<name>:<version>");
            } catch (InvalidInputException e) {
                problems.add("basePrompt: " + e.getMessage());
            }
        }

        private void datasets() {
            dataset = text("dataset", false);
            trainDataset = text("trainDataset", false);
            testDataset = text("testDataset", false);
            if (dataset != null && (trainDataset != null || testDataset != null)) {
                problems.add("dataset: give either dataset or trainDataset + testDataset, not both");
            } else if (dataset == null && trainDataset == null && testDataset == null
                    && !root.has("dataset") && !root.has("trainDataset") && !root.has("testDataset")) {
                problems.add("dataset: missing; give dataset, or trainDataset and testDataset (\"<store>:<path>\" or a path in the default store)");
            } else if (dataset == null && (trainDataset == null) != (testDataset == null)) {
                problems.add((trainDataset == null ? "trainDataset" : "testDataset") + ": missing; "
                        + (trainDataset == null ? "testDataset" : "trainDataset") + " needs it");
            }
        }

        private void metric() {
            String m = text("optimizationMetric", false);
            String custom = text("customMetricId", false);
            if (m != null && custom != null) {
                problems.add("customMetricId: give optimizationMetric or customMetricId, not both");
                return;
            }
            String key = custom != null ? "customMetricId" : "optimizationMetric";
            String name = custom != null ? custom : m;
            if (name == null) {
                if (!root.has("optimizationMetric") && !root.has("customMetricId")) {
                    problems.add("optimizationMetric: missing; one of " + Metrics.names());
                }
                return;
            }
            if (!Metrics.exists(name)) {
                problems.add(key + ": unknown metric '" + name + "'" + Suggestions.didYouMean(name, Metrics.names())
                        + "; known: " + Metrics.names());
                return;
            }
            metric = name;
        }

        private void targetModels() {
            JsonNode node = root.get("targetModels");
            if (node == null) {
                problems.add("targetModels: missing; a list of 1 to " + MAX_TARGET_MODELS + " models, e.g. [\"openai:/gpt-4o-mini\"]");
                return;
            }
            if (!node.isArray()) {
                problems.add("targetModels: expected a list of model URIs, found " + node);
                return;
            }
            if (node.isEmpty() || node.size() > MAX_TARGET_MODELS) {
                problems.add("targetModels: expected 1 to " + MAX_TARGET_MODELS + " models, found " + node.size());
            }
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode n = node.get(i);
                String v = n.isTextual() ? n.asText() : null;
                if (v == null || !MODEL.matcher(v).matches()) {
                    problems.add("targetModels[" + i + "]: '" + (v == null ? n : v)
                            + "' is not a model URI: expected <provider>:/<model>, e.g. openai:/gpt-4o-mini");
                } else if (!seen.add(v)) {
                    problems.add("targetModels[" + i + "]: '" + v + "' is listed twice");
                } else {
                    targetModels.add(v);
                }
            }
        }

        private void mapping() {
            JsonNode node = root.get("targetPromptMapping");
            Map<String, String> given = new LinkedHashMap<>();
            if (node != null) {
                if (node.isObject()) {
                    node.fields().forEachRemaining(e -> given.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : null));
                } else if (node.isArray()) {
                    for (int i = 0; i < node.size(); i++) {
                        String entry = node.get(i).asText("");
                        int eq = entry.lastIndexOf('=');
                        if (eq <= 0 || eq == entry.length() - 1) {
                            problems.add("targetPromptMapping[" + i + "]: '" + entry + "' is not <model>=<promptName>");
                        } else {
                            given.put(entry.substring(0, eq), entry.substring(eq + 1));
                        }
                    }
                } else {
                    problems.add("targetPromptMapping: expected {\"<model>\": \"<promptName>\"} or [\"<model>=<promptName>\"]");
                }
            }
            Map<String, String> byName = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : given.entrySet()) {
                String model = e.getKey();
                String at = "targetPromptMapping['" + model + "']";
                if (!targetModels.contains(model)) {
                    problems.add(at + ": '" + model + "' is not among the targetModels" + Suggestions.didYouMean(model, targetModels)
                            + " " + targetModels);
                    continue;
                }
                String name = e.getValue();
                if (name == null) {
                    problems.add(at + ": expected a prompt name");
                    continue;
                }
                Matcher sap = Pattern.compile("(?:[^/\\s]+/)?([A-Za-z0-9_.-]+)(?::[0-9]{1,9})?").matcher(name);
                if (!sap.matches()) {
                    problems.add(at + ": invalid prompt name '" + name + "': expected letters, digits, '_', '.' or '-'"
                            + " (SAP's <scenario>/<name>:<version> is accepted too)");
                    continue;
                }
                mapping.put(model, sap.group(1));
            }
            for (String model : targetModels) {
                if (!mapping.containsKey(model) && basePrompt != null) {
                    // Named after the model's name only: options in the URI may hold a key.
                    mapping.put(model, basePrompt.name() + "-" + Secrets.modelName(model).replace(":/", "-")
                            .replaceAll("[^A-Za-z0-9_.-]", "-"));
                }
            }
            for (Map.Entry<String, String> e : mapping.entrySet()) {
                String other = byName.putIfAbsent(e.getValue(), e.getKey());
                if (other != null) {
                    problems.add("targetPromptMapping: '" + other + "' and '" + e.getKey() + "' both map to prompt '"
                            + e.getValue() + "': each target model needs its own prompt");
                }
            }
        }

        private void optimizer() {
            JsonNode node = root.get("optimizer");
            if (node != null && node.isArray()) {
                List<String> names = new ArrayList<>();
                for (JsonNode n : node) {
                    if (!n.isTextual() || n.asText().isBlank()) {
                        problems.add("optimizer: expected a list of optimizer names, e.g. [\"gepa\", \"fewshot\"], found " + node);
                        return;
                    }
                    names.add(n.asText().strip());
                }
                if (names.isEmpty()) {
                    problems.add("optimizer: the list is empty; name at least one optimizer, e.g. \"fewshot\"");
                    return;
                }
                optimizers = List.copyOf(names);
            } else {
                String name = text("optimizer", false);
                if (name == null && root.has("optimizer")) {
                    return;
                }
                if (name != null) {
                    optimizers = List.of(name);
                }
            }
            JsonNode opts = root.get("optimizerOptions");
            if (opts != null) {
                if (!opts.isObject()) {
                    problems.add("optimizerOptions: expected an object of strings, e.g. {\"minibatchSize\": \"3\"}");
                } else {
                    opts.fields().forEachRemaining(e -> {
                        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                            problems.add("optimizerOptions." + e.getKey() + ": expected a string, found " + e.getValue());
                        } else {
                            optimizerOptions.put(e.getKey(), e.getValue().asText());
                        }
                    });
                }
            }
            if (optimizers.size() > 1) {
                for (String key : optimizerOptions.keySet()) {
                    int dot = key.indexOf('.');
                    if (dot < 0 || !optimizers.contains(key.substring(0, dot))) {
                        problems.add("optimizerOptions." + key + ": with a list of optimizers, prefix each option with the "
                                + "optimizer it is for, e.g. \"" + optimizers.get(0) + "." + key + "\" (optimizers: " + optimizers + ")");
                    }
                }
            }
            for (String name : optimizers) {
                OptimizerFactory f = OptimizerFactories.find(name);
                if (f == null) {
                    List<String> known = OptimizerFactories.names();
                    problems.add("optimizer: no optimizer named '" + name + "' on the classpath"
                            + Suggestions.didYouMean(name, known) + " (known: " + known + ")"
                            + (name.equals("gepa") ? "; add dev.promptopt:optimizer-gepa"
                            : name.equals("fewshot") || name.equals("metaprompt") ? "; add dev.promptopt:optimizer-fewshot" : ""));
                    continue;
                }
                for (String p : f.validate(optionsFor(optimizers, optimizerOptions, name), root.hasNonNull("reflectionModel"))) {
                    problems.add("optimizerOptions: " + p);
                }
            }
        }

        private void budget() {
            JsonNode b = root.get("budget");
            if (b == null) {
                return;
            }
            if (!b.isObject()) {
                problems.add("budget: expected {\"maxMetricCalls\": 300, \"maxDollars\": 5.0}, found " + b);
                return;
            }
            b.fieldNames().forEachRemaining(k -> {
                if (!BUDGET_KEYS.contains(k)) {
                    problems.add("budget." + k + ": unknown key" + Suggestions.didYouMean(k, BUDGET_KEYS));
                }
            });
            JsonNode calls = b.get("maxMetricCalls");
            if (calls != null) {
                if (!calls.canConvertToExactIntegral() || calls.asLong() < 1) {
                    problems.add("budget.maxMetricCalls: expected a positive whole number, found " + calls);
                } else {
                    maxMetricCalls = calls.asLong();
                }
            }
            JsonNode dollars = b.get("maxDollars");
            if (dollars != null) {
                if (!dollars.isNumber() || !(dollars.asDouble() > 0) || Double.isInfinite(dollars.asDouble())) {
                    problems.add("budget.maxDollars: expected a positive number of dollars, found " + dollars);
                } else {
                    maxDollars = dollars.asDouble();
                }
            }
            JsonNode table = b.get("prices");
            if (table != null) {
                if (!table.isObject()) {
                    problems.add("budget.prices: expected {\"<model>\": {\"input\": 0.5, \"output\": 1.5}} (USD per 1M tokens), found " + table);
                    return;
                }
                table.fields().forEachRemaining(e -> {
                    JsonNode in = e.getValue().get("input");
                    JsonNode out = e.getValue().get("output");
                    if (in == null || out == null || !in.isNumber() || !out.isNumber() || in.asDouble() < 0 || out.asDouble() < 0) {
                        problems.add("budget.prices." + e.getKey() + ": expected {\"input\": <USD per 1M tokens >= 0>, "
                                + "\"output\": <USD per 1M tokens >= 0>}, found " + e.getValue());
                    } else {
                        prices = prices.with(e.getKey(), in.asDouble(), out.asDouble());
                    }
                });
            }
        }

        private String model(String key, boolean required) {
            String v = text(key, required);
            if (v != null && !MODEL.matcher(v).matches()) {
                problems.add(key + ": '" + v + "' is not a model URI: expected <provider>:/<model>, e.g. openai:/gpt-4o");
                return null;
            }
            return v;
        }

        private String text(String key, boolean required) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                if (required) {
                    problems.add(key + ": missing");
                }
                return null;
            }
            if (!n.isTextual() || n.asText().isBlank()) {
                problems.add(key + ": expected a non-empty string, found " + n);
                return null;
            }
            return n.asText();
        }

        private boolean bool(String key, boolean dflt) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (n.isBoolean()) {
                return n.asBoolean();
            }
            if (n.isTextual() && (n.asText().equals("true") || n.asText().equals("false"))) {
                return Boolean.parseBoolean(n.asText()); // SAP's parameters are strings
            }
            problems.add(key + ": expected true or false, found " + n);
            return dflt;
        }

        private Long integer(String key, long min, long max) {
            JsonNode n = root.get(key);
            JsonNode v = n.isTextual() && n.asText().matches("-?[0-9]{1,18}") ? JsonSupport.mapper().getNodeFactory()
                    .numberNode(Long.parseLong(n.asText())) : n;
            if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
                problems.add(key + ": expected a whole number" + (min == Long.MIN_VALUE ? "" : " from " + min + " to " + max)
                        + ", found " + n);
                return null;
            }
            return v.asLong();
        }
    }
}
