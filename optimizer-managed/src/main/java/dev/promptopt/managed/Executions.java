package dev.promptopt.managed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.OptimizerFactory;
import dev.promptopt.Budget;
import dev.promptopt.ChatMessage;
import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ObjectStore;
import dev.promptopt.OptimizationListener;
import dev.promptopt.Optimizer;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.Rng;
import dev.promptopt.RunTracker;
import dev.promptopt.Scorer;
import dev.promptopt.Secrets;
import dev.promptopt.core.Datasets;
import dev.promptopt.core.Models;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.cost.ModelRole;
import dev.promptopt.core.cost.UsageMeter;
import dev.promptopt.core.io.JsonSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Managed optimization runs in SAP AI Core's model: a configuration becomes an {@link Execution} with an id and
 * a status, one optimization per target model, its state checkpointed to the {@code default} object store under
 * {@code <executionId>/}, so that {@link #resume} continues it after the process died, repeating at most the
 * model calls that were in flight (sent, their results not yet journaled) when it died.
 *
 * <pre>{@code
 * OptimizationConfig config = OptimizationConfig.load(Path.of("optimization.json"));
 * Executions executions = Executions.builder(config.buildStores()).build();
 * Execution execution = executions.create(config);     // checks everything; nothing has been called yet
 * ExecutionState done = execution.run();                // blocks; execution.cancel() from another thread stops it
 *
 * executions.status(execution.id());                    // from any process that sees the same stores
 * executions.cancel(execution.id());                    // writes <id>/CANCEL; the running process stops soon after
 * executions.resume(execution.id()).run();              // after a crash: continues where the checkpoints are
 * }</pre>
 *
 * <p>Layout in the {@code default} store: {@code <id>/execution.json} (state, progress, log),
 * {@code <id>/config.json}, {@code <id>/runs/<id>-<n>/} (checkpoint and evaluation journal of run n: 0 is the base
 * model, 1.. the targets), {@code <id>/result-data/results.json} (SAP's result file) and {@code <id>/CANCEL}.
 */
public final class Executions {
    private static final Logger log = LoggerFactory.getLogger(Executions.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,100}");

    final ObjectStores stores;
    final Path workDirectory;
    final RunTracker tracker;
    final List<OptimizationListener> listeners;
    final List<Consumer<ExecutionState>> stateListeners;
    final Duration syncInterval;
    final java.time.Clock clock;
    final Duration leaseDuration;
    final String workerId;

    private Executions(Builder b) {
        this.stores = b.stores;
        this.workDirectory = b.workDirectory;
        this.tracker = b.tracker;
        this.listeners = List.copyOf(b.listeners);
        this.stateListeners = List.copyOf(b.stateListeners);
        this.syncInterval = b.syncInterval;
        this.clock = b.clock;
        this.leaseDuration = b.leaseDuration;
        this.workerId = b.workerId != null ? b.workerId
                : ExecutionLease.host() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        if (leaseDuration.compareTo(syncInterval.multipliedBy(3)) < 0) {
            throw new InvalidInputException("leaseDuration " + leaseDuration + " must be at least 3 x syncInterval ("
                    + syncInterval + "): the lease is renewed every sync interval");
        }
    }

    public static Builder builder(ObjectStores stores) {
        return new Builder(stores);
    }

    /** Checks the configuration against the world (prompt, data, models, optimizer) and records a PENDING execution. */
    public Execution create(OptimizationConfig config) {
        return create(config, null);
    }

    /**
     * Like {@link #create(OptimizationConfig)} with an id of your choice (null: a time stamp and a random suffix).
     *
     * @throws InvalidInputException listing every problem, before any model is called
     */
    public Execution create(OptimizationConfig config, String executionId) {
        String id = executionId == null ? newId() : requireId(executionId);
        ObjectStore out = stores.defaultStore();
        if (out.exists(id + "/execution.json")) {
            throw new InvalidInputException("execution '" + id + "' already exists in " + out.describe()
                    + ": resume it or choose another id");
        }
        Plan plan = prepare(config, id);
        List<ExecutionState.TargetProgress> targets = new ArrayList<>();
        for (int i = 0; i < config.targetModels().size(); i++) {
            String model = config.targetModels().get(i);
            targets.add(new ExecutionState.TargetProgress(Secrets.redact(model), id + "-" + (i + 1), config.targetPromptMapping().get(model),
                    ExecutionStatus.PENDING, 0, config.maxMetricCalls(), null, null, null));
        }
        ExecutionState.TargetProgress origin = config.baseModel() == null ? null
                : new ExecutionState.TargetProgress(Secrets.redact(config.baseModel()), id + "-0", null, ExecutionStatus.PENDING, 0,
                plan.test().size(), null, null, null);
        Instant now = Instant.now();
        ExecutionState state = new ExecutionState(id, ExecutionStatus.PENDING, config.source(),
                config.baseDirectory().toString(), now, now, origin, targets, List.of(), null);
        out.put(id + "/config.json", storedJson(config.toJson()));
        Execution e = new Execution(this, plan, state);
        e.save(state.withLog(now + " created from " + config.source()));
        return e;
    }

    /**
     * An execution that stopped (killed, failed, cancelled), ready to {@link Execution#run()} again. Its configuration
     * is the one saved with it; a COMPLETED execution returns at once when run.
     */
    public Execution resume(String executionId) {
        return resume(executionId, null);
    }

    /**
     * Like {@link #resume(String)}, with the configuration the execution was created from. The stored configuration
     * has its credentials redacted; when it had any (e.g. {@code ?apiKey=} in a model URI), the original configuration
     * must be given again (or the keys moved to the environment), and it must match the stored one.
     *
     * @param config the original configuration, or null to use the stored one
     */
    public Execution resume(String executionId, OptimizationConfig config) {
        ExecutionState state = status(executionId);
        ObjectStore out = stores.defaultStore();
        String json = new String(out.get(executionId + "/config.json"), StandardCharsets.UTF_8);
        OptimizationConfig stored = OptimizationConfig.parse(json, state.configSource(), Path.of(state.configDirectory()));
        OptimizationConfig effective = stored;
        if (config != null) {
            try {
                if (!JsonSupport.mapper().readTree(storedJson(config.toJson())).equals(JsonSupport.mapper().readTree(json))) {
                    throw new InvalidInputException("execution '" + executionId + "' was created from another configuration"
                            + " than " + config.source() + ": resume it with the configuration it was created from");
                }
            } catch (java.io.IOException e) {
                throw new PromptOptimizerException("configuration of execution '" + executionId + "' is corrupt: "
                        + e.getMessage(), e);
            }
            effective = config;
        } else if (json.contains("=" + Secrets.MASK) || json.contains(Secrets.MASK + "@")) {
            throw new InvalidInputException("execution '" + executionId + "': its configuration had credentials in model"
                    + " URIs, which are never stored: resume it with the configuration it was created from"
                    + " (resume(id, config), or the CLI's resume --config <file>), or pass the keys through the environment");
        }
        Plan plan = prepare(effective, executionId);
        if (out.exists(executionId + "/CANCEL")) {
            out.delete(executionId + "/CANCEL"); // a resume is the user's word that the execution should go on
        }
        return new Execution(this, plan, state);
    }

    /** JSON for the store, credentials redacted: what is written there may be read by anyone with the bucket. */
    static byte[] storedJson(Object value) {
        String text = new String(JsonSupport.toFileBytes(value), StandardCharsets.UTF_8);
        return Secrets.redact(text).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The stored state of an execution.
     *
     * @throws InvalidInputException when there is no execution by that id in the default store
     */
    public ExecutionState status(String executionId) {
        requireId(executionId);
        ObjectStore out = stores.defaultStore();
        String key = executionId + "/execution.json";
        if (!out.exists(key)) {
            throw new InvalidInputException("no execution '" + executionId + "' in " + out.describe());
        }
        try {
            return JsonSupport.mapper().readValue(out.get(key), ExecutionState.class);
        } catch (java.io.IOException e) {
            throw new PromptOptimizerException("execution state " + key + " in " + out.describe() + " is corrupt: " + e.getMessage(), e);
        }
    }

    /** Asks the process running the execution to stop (it checks for the marker every sync interval). */
    public void cancel(String executionId) {
        status(executionId);
        stores.defaultStore().put(executionId + "/CANCEL", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The result file ({@code <id>/result-data/results.json}) of a COMPLETED execution. */
    public JsonNode results(String executionId) {
        byte[] bytes = stores.defaultStore().get(executionId + "/result-data/results.json");
        try {
            return JsonSupport.mapper().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new PromptOptimizerException("result file of execution '" + executionId + "' is corrupt: " + e.getMessage(), e);
        }
    }

    /** Everything a run needs, resolved and checked. */
    record Plan(OptimizationConfig config, PromptRegistry registry, PromptVersion base, Dataset train, Dataset test,
                Scorer scorer, Map<String, LanguageModel> targets, LanguageModel baseModel, LanguageModel reflection,
                List<OptimizerFactory> factories, RunTracker tracker, List<Example> fewShot, LanguageModel judge) {
    }

    /** The name the few-shot optimizer registers (optimizer-fewshot). */
    static final String FEWSHOT = "fewshot";

    Plan prepare(OptimizationConfig c, String id) {
        List<String> problems = new ArrayList<>();
        PromptRegistry registry = PromptRegistry.inDirectory(c.registry());
        PromptVersion base = null;
        try {
            base = registry.load(c.basePrompt());
            if (base.template().variables().isEmpty()) {
                problems.add("basePrompt: " + base.uri() + " has no placeholder: the user message needs at least one, e.g. {{?text}}");
            }
        } catch (PromptOptimizerException e) {
            problems.add("basePrompt: " + e.getMessage() + " (registry " + c.registry() + ")");
        }
        Dataset train = null;
        Dataset test = null;
        int min = c.prototypeMode() ? OptimizationConfig.MIN_ROWS_PROTOTYPE : OptimizationConfig.MIN_ROWS;
        String sizeHint = c.prototypeMode() ? "" : " (or set \"prototypeMode\": true to allow from "
                + OptimizationConfig.MIN_ROWS_PROTOTYPE + ")";
        if (c.dataset() != null) {
            train = dataset("dataset", c.dataset(), problems);
            test = train;
            if (train != null && train.size() < min) {
                problems.add("dataset: " + c.dataset() + " has " + train.size() + " rows, at least " + min + " are needed" + sizeHint);
            }
        } else if (c.trainDataset() != null) {
            train = dataset("trainDataset", c.trainDataset(), problems);
            test = dataset("testDataset", c.testDataset(), problems);
            if (train != null && train.size() < min) {
                problems.add("trainDataset: " + c.trainDataset() + " has " + train.size() + " rows, at least " + min
                        + " are needed" + sizeHint);
            }
            if (test != null && test.isEmpty()) {
                problems.add("testDataset: " + c.testDataset() + " has no rows, at least 1 is needed");
            }
        }
        Map<String, LanguageModel> targets = new LinkedHashMap<>();
        for (int i = 0; i < c.targetModels().size(); i++) {
            LanguageModel m = model("targetModels[" + i + "]", c.targetModels().get(i), problems);
            if (m != null) {
                targets.put(c.targetModels().get(i), m);
            }
        }
        LanguageModel baseModel = c.baseModel() == null ? null : model("baseModel", c.baseModel(), problems);
        LanguageModel reflection = c.reflectionModel() == null ? null : model("reflectionModel", c.reflectionModel(), problems);
        LanguageModel judge = c.judgeModel() == null ? null : model("judgeModel", c.judgeModel(), problems);
        Scorer scorer = null;
        if (!Metrics.needsJudge(c.optimizationMetric()) || judge != null) {
            try {
                scorer = Metrics.create(c.optimizationMetric(), judge);
            } catch (PromptOptimizerException e) {
                problems.add("optimizationMetric: " + e.getMessage());
            }
        }
        List<OptimizerFactory> factories = new ArrayList<>();
        for (String name : c.optimizers()) {
            OptimizerFactory f = OptimizerFactories.find(name);
            if (f != null) {
                factories.add(f);
            }
        }
        // includeFewShotExamples: with the few-shot optimizer on the classpath, a last stage chooses the examples on the
        // validation data; without it, the first k examples (seeded shuffle) are appended, as SAP's job does.
        OptimizerFactory fewShotStage = c.includeFewShotExamples() ? OptimizerFactories.find(FEWSHOT) : null;
        if (fewShotStage != null && !c.optimizers().contains(FEWSHOT)) {
            factories.add(fewShotStage);
        }
        List<Example> fewShot = List.of();
        if (c.includeFewShotExamples() && fewShotStage == null && train != null) {
            if (train.size() < c.fewShotExamples()) {
                problems.add("fewShotExamples: " + c.fewShotExamples() + " examples asked, the training data has " + train.size());
            } else {
                List<Example> shuffled = new ArrayList<>(train.examples());
                Rng.seeded(c.seed()).shuffle(shuffled);
                fewShot = List.copyOf(shuffled.subList(0, c.fewShotExamples()));
            }
        }
        RunTracker tracker = this.tracker != null ? this.tracker
                : c.tracking() != null ? RunTracker.inDirectory(c.tracking()) : RunTracker.none();
        Plan plan = new Plan(c, registry, base, train, test, scorer, targets, baseModel, reflection, factories, tracker, fewShot,
                judge);
        if (problems.isEmpty()) {
            // Every target's run is built (and so checked: variables against data, scorer needs) before any call.
            for (int i = 0; i < c.targetModels().size(); i++) {
                String model = c.targetModels().get(i);
                try {
                    optimizerBuilder(plan, model, targets.get(model), id + "-" + (i + 1), workDirectory, false).build();
                } catch (PromptOptimizerException e) {
                    if (e instanceof InvalidInputException iie) {
                        iie.problems().forEach(p -> problems.add("targetModels[" + plan.config().targetModels().indexOf(model)
                                + "] (" + Secrets.redact(model) + "): " + Secrets.redact(p)));
                    } else {
                        problems.add("targetModels (" + Secrets.redact(model) + "): " + Secrets.redact(e.getMessage()));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw InvalidInputException.of("configuration " + c.source() + " cannot run", problems);
        }
        return plan;
    }

    /** The PromptOptimizer of one target model's run (or of the base model's evaluation when {@code model} is null). */
    PromptOptimizer.Builder optimizerBuilder(Plan plan, String modelUri, LanguageModel model, String runId, Path runDirectory,
                                             boolean resume) {
        OptimizationConfig c = plan.config();
        String baseName = plan.base().name();
        boolean baseline = runId.endsWith("-0");
        PromptRegistry registry = baseline ? plan.registry()
                : new MappingRegistry(plan.registry(), baseName, c.targetPromptMapping().get(modelUri), t -> withFewShot(t, plan.fewShot()));
        // A dollar budget meters every model this run pays for (target, judge, reflection).
        UsageMeter meter = !baseline && c.maxDollars() != null ? new UsageMeter(c.prices()) : null;
        LanguageModel target = meter == null ? model : meter.meter(model, ModelRole.TASK);
        Scorer scorer = meter == null || plan.judge() == null ? plan.scorer()
                : Metrics.create(c.optimizationMetric(), meter.meter(plan.judge(), ModelRole.JUDGE));
        LanguageModel reflection = meter == null || plan.reflection() == null ? plan.reflection()
                : meter.meter(plan.reflection(), ModelRole.REFLECTION);
        PromptOptimizer.Builder b = PromptOptimizer.builder()
                .registry(registry)
                .prompts(plan.base().uri())
                .predictFn(predictFn(baseName, target, plan.fewShot()))
                .trainData(plan.train())
                .scorers(scorer)
                .maxConcurrency(c.maxConcurrency())
                .randomSeed(c.seed())
                .runDirectory(runDirectory)
                .tracker(plan.tracker())
                .experiment("managed-optimization");
        if (plan.test() != plan.train()) {
            b.validationData(plan.test());
        }
        if (baseline) {
            b.optimizer(new BaselineOnly()).budget(Budget.metricCalls(Math.max(1, plan.test().size())));
        } else {
            Budget budget = Budget.metricCalls(c.maxMetricCalls());
            if (meter != null) {
                budget = budget.withMaxCost(c.maxDollars());
                b.costSource(meter::totalCost);
            }
            List<Optimizer> stages = new ArrayList<>();
            for (OptimizerFactory f : plan.factories()) {
                Map<String, String> options = new LinkedHashMap<>(c.optimizers().contains(f.name())
                        ? c.optimizerOptions(f.name()) : Map.of());
                if (f.name().equals(FEWSHOT) && c.includeFewShotExamples()) {
                    options.putIfAbsent("maxDemos", String.valueOf(c.fewShotExamples()));
                }
                stages.add(f.create(new OptimizerFactory.Spec(baseName, options, reflection, c.seed())));
            }
            b.optimizer(stages.size() == 1 ? stages.get(0) : OptimizerSequence.of(stages)).budget(budget);
        }
        return resume ? b.resume(runId) : b.runId(runId);
    }

    private static PredictFn predictFn(String promptName, LanguageModel model, List<Example> fewShot) {
        String block = fewShotBlock(fewShot);
        return (inputs, prompts) -> {
            List<ChatMessage> messages = new ArrayList<>(prompts.get(promptName).formatMessages(inputs));
            if (!block.isEmpty()) {
                int last = lastUser(messages);
                ChatMessage m = messages.get(last);
                messages.set(last, new ChatMessage(m.role(), m.content() + block));
            }
            return model.chat(messages).text();
        };
    }

    /** The few-shot block appended to the user message; braces escaped so the registered template keeps its variables. */
    static PromptTemplate withFewShot(PromptTemplate t, List<Example> fewShot) {
        if (fewShot.isEmpty()) {
            return t;
        }
        String block = fewShotBlock(fewShot).replace("{{", "\\{{");
        List<ChatMessage> messages = new ArrayList<>(t.messages());
        int last = lastUser(messages);
        messages.set(last, new ChatMessage(messages.get(last).role(), messages.get(last).content() + block));
        return t.isChat() ? PromptTemplate.chat(messages) : PromptTemplate.text(messages.get(0).content());
    }

    private static String fewShotBlock(List<Example> fewShot) {
        if (fewShot.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\n\nExamples:");
        for (Example e : fewShot) {
            sb.append("\nInput: ").append(JsonSupport.mapper().valueToTree(e.inputs()).toString())
                    .append("\nOutput: ").append(e.referenceOutput());
        }
        return sb.toString();
    }

    private static int lastUser(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("user")) {
                return i;
            }
        }
        return messages.size() - 1;
    }

    private Dataset dataset(String key, String location, List<String> problems) {
        try {
            ObjectStores.Location l = stores.locate(location);
            ObjectStore store = stores.get(l.store());
            String content = new String(store.get(l.key()), StandardCharsets.UTF_8);
            return Datasets.parse(store.describe() + "/" + l.key(), content, DatasetFormat.AUTO);
        } catch (PromptOptimizerException e) {
            problems.add(key + ": " + Secrets.redact(e.getMessage()));
            return null;
        }
    }

    private static LanguageModel model(String key, String uri, List<String> problems) {
        try {
            return Models.resolve(uri);
        } catch (PromptOptimizerException e) {
            problems.add(key + ": " + Secrets.redact(e.getMessage()));
            return null;
        }
    }

    static ObjectNode sapEntry(String model, double pre, double post, PromptTemplate best, String promptName, String registered,
                               long metricCalls) {
        ObjectNode n = JsonSupport.mapper().createObjectNode();
        n.put("model_name", Secrets.redact(model));
        n.put("pre_optimization_score", pre);
        n.put("post_optimization_score", post);
        StringBuilder system = new StringBuilder();
        String user = best.isChat() ? "" : best.text();
        for (ChatMessage m : best.messages()) {
            if (best.isChat() && m.role().equals("system")) {
                system.append(system.length() == 0 ? "" : "\n\n").append(m.content());
            }
        }
        if (best.isChat()) {
            user = best.messages().get(lastUser(best.messages())).content();
        }
        n.put("system_prompt", system.toString());
        n.put("user_message_template", user);
        best.variables().forEach(n.putArray("user_message_template_fields")::add);
        if (best.variables().isEmpty()) {
            n.putArray("user_message_template_fields");
        }
        n.put("prompt_name", promptName);
        n.put("registered_prompt", registered);
        n.put("metric_calls", metricCalls);
        return n;
    }

    private static String newId() {
        return "exec-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + UUID.randomUUID().toString().substring(0, 6);
    }

    static String requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidInputException("invalid execution id '" + id
                    + "': expected letters, digits, '_', '.', '-' (at most 101, starting with a letter or digit)");
        }
        return id;
    }

    /**
     * Configures {@link Executions}.
     *
     * <pre>{@code
     * Executions.builder(stores).workDirectory(Path.of("work")).listener(ConsoleProgressListener.create()).build();
     * }</pre>
     */
    public static final class Builder {
        private final ObjectStores stores;
        private Path workDirectory = Path.of(System.getProperty("java.io.tmpdir"), "promptopt-executions");
        private RunTracker tracker;
        private final List<OptimizationListener> listeners = new ArrayList<>();
        private final List<Consumer<ExecutionState>> stateListeners = new ArrayList<>();
        private Duration syncInterval = Duration.ofSeconds(1);
        private java.time.Clock clock = java.time.Clock.systemUTC();
        private Duration leaseDuration = Duration.ofSeconds(60);
        private String workerId;

        private Builder(ObjectStores stores) {
            this.stores = Objects.requireNonNull(stores, "stores");
        }

        /** Where run folders live while they run (mirrored to the default store); default a temp folder. */
        public Builder workDirectory(Path dir) {
            this.workDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The tracker for metrics; default the configuration's {@code tracking} folder, else none. */
        public Builder tracker(RunTracker tracker) {
            this.tracker = Objects.requireNonNull(tracker, "tracker");
            return this;
        }

        /** Receives the events of every run (e.g. {@code ConsoleProgressListener}). */
        public Builder listener(OptimizationListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Called with every state saved: status changes, progress, log lines. */
        public Builder stateListener(Consumer<ExecutionState> listener) {
            stateListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** How often progress and run folders are copied to the store and the cancel marker is checked (default 1 s). */
        public Builder syncInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new InvalidInputException("syncInterval must be positive, found " + interval);
            }
            this.syncInterval = interval;
            return this;
        }

        /** The clock that dates and expires leases (default the system clock); for tests. */
        public Builder clock(java.time.Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a worker's lease on a running execution lasts without renewal (default 60 s; renewed every sync
         * interval). Another worker can take over an execution only after its lease expired.
         */
        public Builder leaseDuration(Duration duration) {
            if (duration.isNegative() || duration.isZero()) {
                throw new InvalidInputException("leaseDuration must be positive, found " + duration);
            }
            this.leaseDuration = duration;
            return this;
        }

        /** This worker's name in leases (default host, pid and a random suffix). */
        public Builder workerId(String workerId) {
            this.workerId = requireId(workerId);
            return this;
        }

        public Executions build() {
            return new Executions(this);
        }
    }
}
