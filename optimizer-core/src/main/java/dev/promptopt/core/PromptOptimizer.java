package dev.promptopt.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Aggregation;
import dev.promptopt.Budget;
import dev.promptopt.CandidateRecord;
import dev.promptopt.Dataset;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.InvalidInputException;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationListener;
import dev.promptopt.OptimizationResult;
import dev.promptopt.OptimizationStoppedException;
import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptConstraints;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.Rng;
import dev.promptopt.RunStats;
import dev.promptopt.RunTracker;
import dev.promptopt.RunListenerProvider;
import dev.promptopt.RunUsage;
import dev.promptopt.Scorer;
import dev.promptopt.StopReason;
import dev.promptopt.TrackedRun;
import dev.promptopt.core.cost.UsageMeter;
import dev.promptopt.core.io.JsonSupport;
import dev.promptopt.core.internal.RunLock;
import dev.promptopt.core.internal.engine.EvaluationEngine;
import dev.promptopt.core.internal.engine.Fingerprints;
import dev.promptopt.core.internal.engine.Listeners;
import dev.promptopt.core.internal.engine.ResultJournal;
import dev.promptopt.core.internal.engine.ResultRecords;
import dev.promptopt.core.internal.engine.RunCheckpoint;
import dev.promptopt.core.internal.engine.RunContext;
import dev.promptopt.core.internal.engine.SetupChecks;
import dev.promptopt.core.internal.engine.StopConditions;
import dev.promptopt.core.io.RunFiles;
import dev.promptopt.spi.Services;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a prompt optimization: loads the prompts, checks everything before spending a call, scores the
 * seed (baseline), runs the optimizer through the evaluation engine, and registers the best templates
 * as new versions when they beat the seed.
 *
 * <pre>{@code
 * OptimizationResult result = PromptOptimizer.builder()
 *     .registry(registry)
 *     .prompts("prompts:/sentiment/1")
 *     .predictFn((inputs, prompts) -> model.chat(prompts.get("sentiment").format(inputs)).text())
 *     .trainData(train)
 *     .scorers(Scorers.exactMatch())
 *     .optimizer(new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(300)))
 *     .run();
 * }</pre>
 *
 * <p>Each run has an id and a folder ({@code runs/<id>} by default) holding its checkpoint, the journal of
 * every evaluation, {@code result.json} and, with optimizer-report on the class path, {@code report.html}. A killed run continues with {@code .resume("<id>")} and the same
 * configuration; it repeats at most the calls that were in flight when the process died (sent, their results
 * not yet journaled: at most {@code maxConcurrency} evaluation calls, plus a reflection call whose answer was not
 * yet checkpointed), and a torn last
 * journal line is cut off first. Creating the file {@code runs/<id>/STOP} stops a run before
 * its next batch.
 */
public final class PromptOptimizer {
    private static final Logger log = LoggerFactory.getLogger(PromptOptimizer.class);
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    static final int DEFAULT_MAX_CONCURRENCY = 8;
    /** The most calls {@code maxConcurrency} may allow in flight, here and in managed configurations. */
    public static final int MAX_CONCURRENCY = SetupChecks.MAX_CONCURRENCY;

    private final Builder b;
    private final List<PromptVersion> seedVersions;
    private final PromptSet seed;
    private final Dataset validation;
    private final Budget budget;
    private volatile EvaluationEngine engine;
    private volatile boolean cancelRequested;
    private final java.util.Set<String> loadedPrompts = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private PromptOptimizer(Builder b, List<PromptVersion> seedVersions, Budget budget) {
        this.b = b;
        this.seedVersions = List.copyOf(seedVersions);
        Map<String, PromptTemplate> templates = new LinkedHashMap<>();
        for (PromptVersion v : seedVersions) {
            templates.put(v.name(), v.template());
        }
        this.seed = PromptSet.of(templates);
        this.validation = b.validationData != null ? b.validationData : b.trainData;
        this.budget = budget;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The templates the run starts from. */
    public PromptSet seed() {
        return seed;
    }

    /** The budget in force: the builder's and the optimizer's limits together. */
    public Budget budget() {
        return budget;
    }

    /** Stops the run from another thread: no new call starts; the run ends with the best so far. */
    public void cancel() {
        cancelRequested = true;
        EvaluationEngine e = engine;
        if (e != null) {
            e.cancel();
        }
    }

    /**
     * Runs the optimization to its end (or its budget).
     *
     * @throws dev.promptopt.SystemicFailureException when every call fails (the checkpoint stays; resume later)
     * @throws dev.promptopt.RunInUseException when another process (or run) is writing the same run folder
     */
    public OptimizationResult run() {
        String runId = b.resumeRunId != null ? b.resumeRunId : b.runId != null ? b.runId : newRunId();
        Path runDir = b.runDirectory.resolve(runId);
        // One writer per run folder, for the whole run: a second process resuming the same run would repeat calls.
        try (RunLock lock = RunLock.acquire(runDir, "run '" + runId + "'")) {
            return runLocked(runId, runDir);
        }
    }

    private OptimizationResult runLocked(String runId, Path runDir) {
        CheckpointStore checkpoints = new CheckpointStore(runDir.resolve("checkpoint.json"));
        ObjectMapper mapper = JsonSupport.mapper();
        ResultJournal journal = new ResultJournal(runDir.resolve(RunFiles.JOURNAL), mapper);
        RunCheckpoint saved = loadCheckpoint(runId, runDir, checkpoints, mapper);

        Duration elapsedBefore = saved == null ? Duration.ZERO : Duration.ofMillis(saved.elapsedMillis());
        StopConditions stops = new StopConditions(budget, runDir.resolve("STOP"), b.nanoClock, elapsedBefore, b.costSource);
        List<OptimizationListener> listeners = new ArrayList<>(b.listeners);
        if (b.defaultListeners) {
            // e.g. optimizer-report's report.html in the run folder; a fresh listener per run, on the run's clock
            // (a resumed run's timeline starts at the resume).
            for (RunListenerProvider provider : Services.all(RunListenerProvider.class)) {
                listeners.add(Objects.requireNonNull(provider.listener(b.runDirectory, b.nanoClock),
                        () -> "run listener provider '" + provider.name() + "' (" + provider.getClass().getName()
                                + ") returned no listener"));
            }
        }
        // The tracker's listener exists once the tracked run has started (below); events before then have no run.
        java.util.concurrent.atomic.AtomicReference<OptimizationListener> tracking = new java.util.concurrent.atomic.AtomicReference<>();
        listeners.add(event -> {
            OptimizationListener l = tracking.get();
            // RunFinished reaches the tracker directly, where its failure fails the run (see execute).
            if (l != null && !(event instanceof OptimizationEvent.RunFinished)) {
                l.onEvent(event);
            }
        });
        // Predict calls run in their candidate's scope (registry loads of a target prompt return the candidate);
        // the traced variant is put in place once the tracked run exists.
        java.util.concurrent.atomic.AtomicReference<PredictFn> predictRef = new java.util.concurrent.atomic.AtomicReference<>(b.predictFn);
        PredictFn predict = CandidatePrompts.scoped((inputs, prompts) -> predictRef.get().predict(inputs, prompts),
                seedVersions, loadedPrompts);
        EvaluationEngine eng = new EvaluationEngine(predict, b.scorers, SetupChecks.checked(b.aggregation), b.maxConcurrency, stops,
                journal, event -> Listeners.emit(listeners, event), b.nanoClock, b.hedging);
        if (saved != null) {
            List<ResultJournal.Entry> entries = journal.readExisting(List.of(b.trainData, validation));
            eng.restore(entries, saved.journalEntries(), saved.metricCalls());
            log.info("resuming run {} from {} ({} metric calls spent, {} journaled results)", runId, checkpoints.file(),
                    saved.metricCalls(), entries.size());
        }
        this.engine = eng;
        if (cancelRequested) {
            eng.cancel();
        }
        Rng rng = saved == null ? Rng.seeded(b.seed) : Rng.fromState(saved.rngState());
        RunContext ctx = new RunContext(runId, b.optimizer.name(), seed, b.trainData, validation, eng, journal, b.seed,
                rng, listeners, checkpoints, mapper, saved == null ? null : saved.optimizerState(),
                saved == null ? null : saved.registeredUris(), b.constraints);
        if (saved == null) {
            ctx.save(null); // from here on the run can be resumed, even if it dies during the baseline
        }

        List<String> optimizerProblems = b.optimizer.validate(ctx);
        List<String> errors = optimizerProblems.stream().filter(p -> !p.startsWith("warning:")).toList();
        optimizerProblems.stream().filter(p -> p.startsWith("warning:")).forEach(w -> log.warn("{}: {}", b.optimizer.name(), w));
        if (!errors.isEmpty()) {
            eng.close();
            throw InvalidInputException.of("optimizer '" + b.optimizer.name() + "' cannot run", errors);
        }

        TrackedRun tracked = b.tracker.startRun(b.experiment, runId, Map.of("promptopt.prompt_optimization", "true",
                "promptopt.optimizer", b.optimizer.name()));
        TrackingListener trackingListener = new TrackingListener(tracked, validation, runDir.resolve("tracking.json"));
        tracking.set(trackingListener);
        if (saved != null) {
            trackingListener.resend(); // what a killed process logged but the tracker may never have received
        }
        if (b.tracePredictions) {
            predictRef.set(tracked.traced(b.predictFn, seedVersions));
        }
        try {
            OptimizationResult result = execute(ctx, eng, tracked, runDir, trackingListener);
            tracked.finish(TrackedRun.Status.FINISHED);
            return result;
        } catch (RuntimeException e) {
            try {
                tracked.finish(TrackedRun.Status.FAILED);
            } catch (RuntimeException trackerDown) {
                // The run's own failure is the story; a tracker that is down too must not hide it.
                e.addSuppressed(trackerDown);
            }
            throw e;
        } finally {
            eng.close();
            this.engine = null;
        }
    }

    private OptimizationResult execute(RunContext ctx, EvaluationEngine eng, TrackedRun tracked, Path runDir,
                                       TrackingListener trackingListener) {
        tracked.logParams(params());
        tracked.logInput(b.trainData, "training");
        tracked.linkPrompts(seedVersions);
        ctx.emit(new OptimizationEvent.RunStarted(ctx.runId(), b.optimizer.name(), List.copyOf(seed.names()),
                b.trainData.size(), validation.size(), budget));

        EvaluationBatch baseline;
        try {
            baseline = eng.evaluate(seed, validation.examples());
        } catch (OptimizationStoppedException stop) {
            throw new PromptOptimizerException("the run stopped before its baseline was scored: "
                    + stop.reason().description(), stop);
        }
        for (int round = 0; round < FINAL_RETRY_ROUNDS && !baseline.failures().isEmpty(); round++) {
            try {
                baseline = eng.evaluate(seed, validation.examples()); // failed pairs are asked again
            } catch (OptimizationStoppedException stop) {
                break;
            }
        }
        ctx.emit(new OptimizationEvent.CandidateEvaluated(0, "baseline", baseline.results().size(), baseline.mean(),
                eng.metricCallsUsed()));

        OptimizerOutcome outcome;
        try {
            outcome = b.optimizer.optimize(ctx);
        } catch (OptimizationStoppedException stop) {
            // An optimizer that lets the stop escape still gets the seed as its result.
            outcome = seedOnly(baseline, stop.reason());
        }
        EvaluationBatch fin = eng.evaluateUnbudgeted(outcome.best(), validation.examples());
        for (int round = 0; round < FINAL_RETRY_ROUNDS && !fin.failures().isEmpty(); round++) {
            // A failure is not a score: ask the failed pairs again (the scored ones come from the cache).
            fin = eng.evaluateUnbudgeted(outcome.best(), validation.examples());
        }

        double initial = baseline.mean();
        double finalScore = fin.mean();
        boolean improved = finalScore > initial;
        List<PromptVersion> registered = register(ctx, outcome, improved, initial, finalScore, tracked);
        List<String> unloaded = unloadedPrompts();

        Duration elapsed = eng.stops().elapsed();
        OptimizationResult result = new OptimizationResult(ctx.runId(), b.optimizer.name(), seedVersions, registered,
                outcome.best(), initial, finalScore, baseline.meanByScorer(), fin.meanByScorer(), outcome.candidates(),
                outcome.bestIndex(), eng.metricCallsUsed(), outcome.stopReason(), elapsed,
                stats(eng, unloaded, baseline, fin), usage(eng, b.usageMeter), outcome.stats());

        JsonSupport.writeJson(runDir.resolve("result.json"), ResultRecords.toJson(result));
        OptimizationEvent.RunFinished finished = new OptimizationEvent.RunFinished(result, baseline, fin);
        // The tracker gets the event first and outside the listeners' guard: a tracker that cannot take the
        // final metrics fails the run (its status FAILED), as any other tracker write does.
        trackingListener.onEvent(finished);
        ctx.emit(finished);
        log.info("run {} finished: score {} -> {} with {} metric calls ({})", ctx.runId(), fmt(initial), fmt(finalScore),
                eng.metricCallsUsed(), outcome.stopReason().description());
        return result;
    }

    /**
     * Target prompts the predict function never loaded from a registry while some other target prompt was: an
     * application that loads its prompts itself (see {@link CandidatePrompts}) but misses one of them, whose
     * optimization then changes nothing the application runs. Empty when no load happened at all (the predict
     * function renders the prompt set it is given).
     */
    private List<String> unloadedPrompts() {
        if (loadedPrompts.isEmpty()) {
            return List.of();
        }
        List<String> unloaded = seed.names().stream().filter(n -> !loadedPrompts.contains(n)).toList();
        if (!unloaded.isEmpty()) {
            log.warn("the predict function never loaded the target prompt(s) {} from the registry during evaluation "
                    + "(it loaded {}): their candidates were never used; load every prompt given to .prompts(...) or "
                    + "drop the ones it does not use", unloaded, new java.util.TreeSet<>(loadedPrompts));
        }
        return unloaded;
    }

    /** Failed calls cost no metric call and are left out of the scores; the stats say how many there were. */
    private static RunStats stats(EvaluationEngine eng, List<String> unloadedPrompts, EvaluationBatch baseline,
                                  EvaluationBatch fin) {
        return new RunStats(eng.failedCalls(), eng.hedging() ? eng.hedgedCalls() : 0,
                baseline.failures().stream().map(r -> r.example().id()).toList(),
                fin.failures().stream().map(r -> r.example().id()).toList(), unloadedPrompts);
    }

    private static RunUsage usage(EvaluationEngine eng, UsageMeter meter) {
        double cost = eng.stops().costUsd();
        Map<String, RunUsage.RoleUsage> roles = new LinkedHashMap<>();
        if (meter != null) {
            meter.snapshot().forEach((role, u) -> roles.put(role.name().toLowerCase(java.util.Locale.ROOT),
                    new RunUsage.RoleUsage(u.calls(), u.tokens().inputTokens(), u.tokens().outputTokens(), u.costUsd(),
                            u.tokens().unreportedCalls())));
        }
        return new RunUsage(Double.isNaN(cost) ? null : cost, roles);
    }

    /** Extra rounds for failed pairs of the baseline and the final evaluation. */
    private static final int FINAL_RETRY_ROUNDS = 2;

    private OptimizerOutcome seedOnly(EvaluationBatch baseline, StopReason reason) {
        CandidateRecord seedRecord = new CandidateRecord(0, seed, List.of(), "seed", baseline.mean(),
                baseline.scoresById(), baseline.metricCalls());
        return new OptimizerOutcome(seed, List.of(seedRecord), 0, reason);
    }

    private List<PromptVersion> register(RunContext ctx, OptimizerOutcome outcome, boolean improved, double initial,
                                         double finalScore, TrackedRun tracked) {
        if (ctx.registeredUris() != null) { // a resumed run that had already registered: load, never register twice
            return ctx.registeredUris().stream().map(b.registry::load).toList();
        }
        List<PromptVersion> registered = new ArrayList<>();
        if (!improved && b.registerOnlyIfImproved) {
            log.info("best candidate ({}) does not beat the seed ({}): nothing registered", fmt(finalScore), fmt(initial));
        } else {
            for (PromptVersion source : seedVersions) {
                PromptTemplate best = outcome.best().get(source.name());
                if (best.equals(source.template())) {
                    continue;
                }
                Map<String, String> tags = new LinkedHashMap<>();
                // The tracker's run id (MLflow's), so the version leads to its run; the library's run name beside it.
                tags.put("promptopt.run_id", tracked == TrackedRun.NONE ? ctx.runId() : tracked.id());
                tags.put("promptopt.run_name", ctx.runId());
                tags.put("promptopt.optimizer", b.optimizer.name());
                tags.put("promptopt.source", source.uri());
                tags.put("promptopt.initial_score", fmt(initial));
                tags.put("promptopt.final_score", fmt(finalScore));
                registered.add(b.registry.register(source.name(), best, "Optimized by " + b.optimizer.name() + " (run "
                        + ctx.runId() + "): score " + fmt(initial) + " -> " + fmt(finalScore), tags));
            }
        }
        ctx.markRegistered(registered.stream().map(PromptVersion::uri).toList());
        return registered;
    }

    private Map<String, String> params() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("optimizer", b.optimizer.name());
        p.put("num_prompts", String.valueOf(seed.size()));
        p.put("num_training_samples", String.valueOf(b.trainData.size()));
        p.put("num_validation_samples", String.valueOf(validation.size()));
        p.put("max_metric_calls", String.valueOf(budget.maxMetricCalls()));
        p.put("max_concurrency", String.valueOf(b.maxConcurrency));
        p.put("random_seed", String.valueOf(b.seed));
        p.put("scorers", String.join(",", b.scorers.stream().map(Scorer::name).toList()));
        return p;
    }

    private RunCheckpoint loadCheckpoint(String runId, Path runDir, CheckpointStore checkpoints, ObjectMapper mapper) {
        if (b.resumeRunId == null) {
            if (checkpoints.exists()) {
                throw new InvalidInputException("run '" + runId + "' already exists in " + runDir.toAbsolutePath()
                        + ": continue it with .resume(\"" + runId + "\") or choose another run id");
            }
            return null;
        }
        Optional<RunCheckpoint> cp = checkpoints.load(RunCheckpoint.class);
        if (cp.isEmpty()) {
            throw new InvalidInputException("cannot resume run '" + runId + "': no checkpoint at "
                    + checkpoints.file() + " (check the run id and .runDirectory(...))");
        }
        RunCheckpoint c = cp.get();
        if (!c.optimizer().equals(b.optimizer.name())) {
            throw new InvalidInputException("cannot resume run '" + runId + "': it was started with optimizer '"
                    + c.optimizer() + "', this configuration uses '" + b.optimizer.name() + "'");
        }
        if (!c.seedFingerprint().equals(Fingerprints.of(seed))) {
            throw new InvalidInputException("cannot resume run '" + runId
                    + "': it was started from other prompt templates than " + seedVersions.stream().map(PromptVersion::uri).toList());
        }
        if (c.randomSeed() != b.seed) {
            throw new InvalidInputException("cannot resume run '" + runId + "': it was started with random seed "
                    + c.randomSeed() + ", this configuration uses " + b.seed);
        }
        return c;
    }

    private static String newRunId() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + UUID.randomUUID().toString().substring(0, 6);
    }

    static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    /**
     * Configures a run; {@link #build()} checks everything before any model is called.
     *
     * <pre>{@code
     * PromptOptimizer.builder().registry(r).prompts("prompts:/qa/1").predictFn(fn).trainData(d)
     *     .scorers(Scorers.exactMatch()).optimizer(opt).budget(Budget.metricCalls(200)).build();
     * }</pre>
     */
    public static final class Builder {
        private PromptRegistry registry;
        private List<String> promptUris = new ArrayList<>();
        private PredictFn predictFn;
        private Dataset trainData;
        private Dataset validationData;
        private List<Scorer> scorers = new ArrayList<>();
        private Aggregation aggregation = Aggregation.mean();
        private Optimizer optimizer;
        private Budget budget;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private long seed = 0;
        private Path runDirectory = Path.of("runs");
        private String runId;
        private String resumeRunId;
        private List<OptimizationListener> listeners = new ArrayList<>();
        private RunTracker tracker = RunTracker.none();
        private String experiment = "prompt-optimization";
        private boolean registerOnlyIfImproved = true;
        private boolean allowConstantPrompt;
        private LongSupplier nanoClock = System::nanoTime;
        private DoubleSupplier costSource;
        private UsageMeter usageMeter;
        private Hedging hedging;
        private PromptConstraints constraints = PromptConstraints.none();
        private boolean tracePredictions;
        private boolean defaultListeners = true;
        /** The single-valued options already given: a second call is a mistake (the first value would be lost). */
        private final java.util.Set<String> alreadySet = new java.util.HashSet<>();

        private Builder() {
        }

        /** Marks {@code option} as given, or fails when it was given before. */
        private Builder once(String option) {
            if (!alreadySet.add(option)) {
                throw new IllegalStateException(option + " was already set");
            }
            return this;
        }

        /**
         * A copy the built optimizer owns: later calls on this builder never reach a built run, and
         * {@link #build()} can be called again for an independent run.
         */
        private Builder snapshot() {
            Builder s = new Builder();
            s.registry = registry;
            s.promptUris = List.copyOf(promptUris);
            s.predictFn = predictFn;
            s.trainData = trainData;
            s.validationData = validationData;
            s.scorers = List.copyOf(scorers);
            s.aggregation = aggregation;
            s.optimizer = optimizer;
            s.budget = budget;
            s.maxConcurrency = maxConcurrency;
            s.seed = seed;
            s.runDirectory = runDirectory;
            s.runId = runId;
            s.resumeRunId = resumeRunId;
            s.listeners = List.copyOf(listeners);
            s.tracker = tracker;
            s.experiment = experiment;
            s.registerOnlyIfImproved = registerOnlyIfImproved;
            s.allowConstantPrompt = allowConstantPrompt;
            s.nanoClock = nanoClock;
            s.costSource = costSource;
            s.usageMeter = usageMeter;
            s.hedging = hedging;
            s.constraints = constraints;
            s.tracePredictions = tracePredictions;
            s.defaultListeners = defaultListeners;
            return s;
        }

        public Builder registry(PromptRegistry registry) {
            Objects.requireNonNull(registry, "registry");
            once("registry").registry = registry;
            return this;
        }

        /** The prompts to optimize, e.g. {@code "prompts:/sentiment/1"}; one version per prompt name; adds to earlier calls. */
        public Builder prompts(String... uris) {
            return prompts(Arrays.asList(uris));
        }

        public Builder prompts(List<String> uris) {
            for (String uri : uris) {
                promptUris.add(Objects.requireNonNull(uri, "prompt uri"));
            }
            return this;
        }

        public Builder predictFn(PredictFn predictFn) {
            Objects.requireNonNull(predictFn, "predictFn");
            once("predictFn").predictFn = predictFn;
            return this;
        }

        /** The feedback set; it doubles as the validation set unless {@link #validationData} is given. */
        public Builder trainData(Dataset trainData) {
            Objects.requireNonNull(trainData, "trainData");
            once("trainData").trainData = trainData;
            return this;
        }

        public Builder validationData(Dataset validationData) {
            Objects.requireNonNull(validationData, "validationData");
            once("validationData").validationData = validationData;
            return this;
        }

        /** Adds scorers (to those of earlier calls). */
        public Builder scorers(Scorer... scorers) {
            return scorers(Arrays.asList(scorers));
        }

        public Builder scorers(List<Scorer> scorers) {
            for (Scorer s : scorers) {
                this.scorers.add(Objects.requireNonNull(s, "scorer"));
            }
            return this;
        }

        /** How per-scorer values become one score per example; default the mean. */
        public Builder aggregation(Aggregation aggregation) {
            Objects.requireNonNull(aggregation, "aggregation");
            once("aggregation").aggregation = aggregation;
            return this;
        }

        public Builder optimizer(Optimizer optimizer) {
            Objects.requireNonNull(optimizer, "optimizer");
            once("optimizer").optimizer = optimizer;
            return this;
        }

        /** Limits on the run; combined with the optimizer's own (the tighter limit wins). */
        public Builder budget(Budget budget) {
            Objects.requireNonNull(budget, "budget");
            once("budget").budget = budget;
            return this;
        }

        /** The most predict and judge calls in flight at once, across the whole run (default 8). */
        public Builder maxConcurrency(int maxConcurrency) {
            int checked = SetupChecks.requireMaxConcurrency(maxConcurrency);
            once("maxConcurrency").maxConcurrency = checked;
            return this;
        }

        /**
         * The random seed (default 0): same random seed and same model answers give the same result. (The seed
         * prompts are the ones given to {@link #prompts}.)
         */
        public Builder randomSeed(long randomSeed) {
            once("randomSeed").seed = randomSeed;
            return this;
        }

        /**
         * The random seed.
         *
         * @deprecated "seed" also names the prompts a run starts from; use {@link #randomSeed(long)}
         */
        @Deprecated
        public Builder seed(long randomSeed) {
            return randomSeed(randomSeed);
        }

        /** Where run folders go (default {@code ./runs}). */
        public Builder runDirectory(Path runDirectory) {
            Objects.requireNonNull(runDirectory, "runDirectory");
            once("runDirectory").runDirectory = runDirectory;
            return this;
        }

        /** A run id of your choice (default: time stamp + random suffix). */
        public Builder runId(String runId) {
            String checked = requireRunId(runId);
            once("runId").runId = checked;
            return this;
        }

        /** Continues a run that stopped (killed, failed, out of budget) from its checkpoint. */
        public Builder resume(String runId) {
            String checked = requireRunId(runId);
            once("resume").resumeRunId = checked;
            return this;
        }

        /** Adds a listener (to those of earlier calls). */
        public Builder listener(OptimizationListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Whether the run adds the listener of every {@link RunListenerProvider} on the class path (default true):
         * with optimizer-report there, that writes {@code runs/<runId>/report.html}. {@code false} leaves only the
         * listeners given to {@link #listener}.
         */
        public Builder defaultListeners(boolean enabled) {
            once("defaultListeners").defaultListeners = enabled;
            return this;
        }

        public Builder tracker(RunTracker tracker) {
            Objects.requireNonNull(tracker, "tracker");
            once("tracker").tracker = tracker;
            return this;
        }

        /**
         * Records every predict call of the optimization as a trace of the tracked run (MLflow: a trace linked to
         * the run and, when the call used a seed template, to that prompt version), as MLflow's
         * {@code optimize_prompts} does. Off by default: a trace per call is one more write per call.
         */
        public Builder tracePredictions(boolean trace) {
            once("tracePredictions").tracePredictions = trace;
            return this;
        }

        /** The tracker's experiment name (default {@code prompt-optimization}). */
        public Builder experiment(String experiment) {
            if (experiment == null || experiment.isBlank()) {
                throw new IllegalArgumentException("experiment name must not be blank, found "
                        + (experiment == null ? "null" : "\"" + experiment + "\""));
            }
            once("experiment").experiment = experiment;
            return this;
        }

        /** Register the best templates only when they beat the seed (default true). */
        public Builder registerOnlyIfImproved(boolean onlyIfImproved) {
            once("registerOnlyIfImproved").registerOnlyIfImproved = onlyIfImproved;
            return this;
        }

        /**
         * Where the run reads the dollars its models have cost so far (e.g. {@code usageMeter::totalCostUsd} of
         * {@link dev.promptopt.core.cost.UsageMeter}); needed for a dollar budget, and reported in the result as
         * {@code result.usage().costUsd()}. Include every model the run pays for: target, judges, reflection.
         * Not together with {@link #usageMeter}, which is the cost source itself.
         */
        public Builder costSource(DoubleSupplier costSource) {
            Objects.requireNonNull(costSource, "costSource");
            if (usageMeter != null) {
                throw new IllegalStateException("costSource was already set by usageMeter (the meter is the run's cost source)");
            }
            once("costSource").costSource = costSource;
            return this;
        }

        /**
         * The meter wrapping the run's models ({@code meter.meter(model, ModelRole.TASK)} and so on): it is the run's
         * cost source, and its calls, tokens and dollars per role go into the result ({@code result.usage().roles()}) and
         * the tracker ({@code tokens_in.<role>}, {@code tokens_out.<role>}, {@code cost_usd.<role>}).
         * Not together with {@link #costSource}.
         */
        public Builder usageMeter(UsageMeter meter) {
            Objects.requireNonNull(meter, "meter");
            if (costSource != null && usageMeter == null) {
                throw new IllegalStateException("costSource was already set: usageMeter is the cost source itself, "
                        + "give one of the two");
            }
            once("usageMeter").usageMeter = meter;
            this.costSource = meter::totalCostUsd;
            return this;
        }

        /**
         * Hedges slow predict calls (off by default): a call slower than a high percentile of the run's predict
         * latencies gets a second request when a permit is free (and a third one delay later, see
         * {@link Hedging#hedges(int)}); the first answer wins and the others are interrupted. The extra requests
         * are reported as {@code result.stats().hedgedCalls()} and cost no metric call.
         */
        public Builder hedging(Hedging hedging) {
            Objects.requireNonNull(hedging, "hedging");
            once("hedging").hedging = hedging;
            return this;
        }

        /**
         * Locks a piece of a prompt's text: every candidate of every optimizer must keep it verbatim, or it is
         * rejected with that reason before any call is spent on it. The seed must contain it. Adds to earlier calls.
         */
        public Builder lockedSection(String prompt, String text) {
            Objects.requireNonNull(prompt, "prompt");
            if (text == null || text.isEmpty()) {
                throw new IllegalArgumentException("locked section of prompt '" + prompt + "' must not be empty, found "
                        + (text == null ? "null" : "\"\""));
            }
            if (alreadySet.contains("constraints")) {
                throw new IllegalStateException("constraints was already set: give locked sections there, or use "
                        + "lockedSection(...) and maxPromptChars(...) instead of constraints(...)");
            }
            alreadySet.add("lockedSection");
            this.constraints = constraints.withLockedSection(prompt, text);
            return this;
        }

        /** The longest a candidate template may be, in characters of its text (0: no limit, the default). */
        public Builder maxPromptChars(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxPromptChars must be >= 0 (0: no limit), found " + max);
            }
            if (alreadySet.contains("constraints")) {
                throw new IllegalStateException("constraints was already set: it holds maxPromptChars");
            }
            once("maxPromptChars").constraints = constraints.withMaxPromptChars(max);
            return this;
        }

        /** All constraints at once; not together with {@link #lockedSection} or {@link #maxPromptChars}. */
        public Builder constraints(PromptConstraints constraints) {
            Objects.requireNonNull(constraints, "constraints");
            if (alreadySet.contains("lockedSection") || alreadySet.contains("maxPromptChars")) {
                throw new IllegalStateException("constraints: lockedSection/maxPromptChars were already set; "
                        + "give all constraints in one PromptConstraints or use those two calls");
            }
            once("constraints").constraints = constraints;
            return this;
        }

        /**
         * Accepts prompts without any variable although the examples have inputs. Without this, {@link #build()}
         * reports such a prompt, since a prompt that never shows the model its inputs is usually a mistake.
         */
        public Builder allowConstantPrompt() {
            once("allowConstantPrompt").allowConstantPrompt = true;
            return this;
        }

        /** The clock for wall-time budgets ({@link System#nanoTime} by default); for tests. */
        public Builder nanoClock(LongSupplier nanoClock) {
            Objects.requireNonNull(nanoClock, "nanoClock");
            once("nanoClock").nanoClock = nanoClock;
            return this;
        }

        private static String requireRunId(String id) {
            if (id == null || !RUN_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("invalid run id '" + id
                        + "': expected letters, digits, '_', '.', '-' (at most 128, not starting with '.' or '-')");
            }
            return id;
        }

        /**
         * Checks the whole configuration without calling any model.
         *
         * @throws InvalidInputException listing every problem found
         */
        public PromptOptimizer build() {
            List<String> problems = new ArrayList<>();
            if (runId != null && resumeRunId != null) {
                problems.add("both .runId(\"" + runId + "\") and .resume(\"" + resumeRunId + "\") are set: use one");
            }
            if (registry == null) {
                problems.add("no prompt registry: call .registry(PromptRegistry.inDirectory(Path.of(\"prompts\")))");
            }
            if (promptUris.isEmpty()) {
                problems.add("no prompts to optimize: call .prompts(\"prompts:/<name>/<version>\")");
            }
            List<PromptVersion> versions = new ArrayList<>();
            if (registry != null) {
                Map<String, String> seen = new LinkedHashMap<>();
                for (String uri : promptUris) {
                    try {
                        PromptVersion v = registry.load(uri);
                        String previous = seen.putIfAbsent(v.name(), uri);
                        if (previous != null) {
                            problems.add("prompts " + previous + " and " + uri + " are both prompt '" + v.name()
                                    + "': optimize one version per prompt");
                        } else {
                            versions.add(v);
                        }
                    } catch (InvalidInputException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
            if (predictFn == null) {
                problems.add("no predict function: call .predictFn((inputs, prompts) -> ...)");
            }
            if (trainData == null) {
                problems.add("no training data: call .trainData(Dataset.fromJsonl(...))");
            } else if (trainData.isEmpty()) {
                problems.add("the training data '" + trainData.name() + "' is empty: a run needs at least one example");
            }
            if (validationData != null && validationData.isEmpty()) {
                problems.add("the validation data '" + validationData.name() + "' is empty: give examples or leave it out");
            }
            SetupChecks.scorers(scorers, aggregation, problems);
            if (optimizer == null) {
                problems.add("no optimizer: call .optimizer(new Gepa(Gepa.options()...)) or your own Optimizer");
            }
            List<Dataset> datasets = new ArrayList<>();
            if (trainData != null) {
                datasets.add(trainData);
            }
            if (validationData != null) {
                datasets.add(validationData);
            }
            Map<String, PromptTemplate> labelled = new LinkedHashMap<>();
            versions.forEach(v -> labelled.put("prompt '" + v.name() + "' (" + v.uri() + ")", v.template()));
            SetupChecks.examples(labelled, datasets, scorers, problems);
            SetupChecks.idCollisions(datasets, problems);
            SetupChecks.templates(labelled, datasets, allowConstantPrompt, problems);
            Map<String, PromptVersion> byName = new LinkedHashMap<>();
            versions.forEach(v -> byName.put(v.name(), v));
            constraints.lockedSections().forEach((name, texts) -> {
                PromptVersion v = byName.get(name);
                if (v == null) {
                    if (registry != null && !promptUris.isEmpty()) {
                        problems.add("lockedSection: no prompt named '" + name + "' in this run; the prompts are " + byName.keySet());
                    }
                    return;
                }
                for (String t : texts) {
                    if (!v.template().text().contains(t)) {
                        problems.add("lockedSection of prompt '" + name + "' (" + v.uri() + "): the seed does not contain \""
                                + t.replace("\n", "\\n") + "\"");
                    }
                }
            });
            if (constraints.maxPromptChars() > 0) {
                for (PromptVersion v : versions) {
                    if (v.template().text().length() > constraints.maxPromptChars()) {
                        problems.add("maxPromptChars " + constraints.maxPromptChars() + ": the seed " + v.uri() + " already has "
                                + v.template().text().length() + " characters");
                    }
                }
            }
            Budget effective = combinedBudget(problems, datasets);
            if (!problems.isEmpty()) {
                throw InvalidInputException.of("the optimization is not set up right", problems);
            }
            return new PromptOptimizer(snapshot(), versions, effective);
        }

        /** Builds and runs. */
        public OptimizationResult run() {
            return build().run();
        }

        private Budget combinedBudget(List<String> problems, List<Dataset> datasets) {
            Optional<Budget> own = optimizer == null ? Optional.empty() : optimizer.budget();
            Budget combined = budget;
            if (own.isPresent()) {
                combined = combined == null ? own.get() : tighter(combined, own.get());
            }
            if (combined == null || !combined.isBounded()) {
                problems.add("no budget: call .budget(Budget.metricCalls(300)) or set the optimizer's own limit "
                        + "(e.g. Gepa.options().maxMetricCalls(300)); a stop file alone does not bound a run");
                return combined;
            }
            if (combined.maxCostUsd() != null && costSource == null) {
                problems.add("a dollar budget of $" + combined.maxCostUsd() + " needs to know what the run costs: "
                        + "call .costSource(usageMeter::totalCostUsd) with the meter that wraps the run's models");
            }
            Dataset val = validationData != null ? validationData : trainData;
            if (val != null && combined.maxMetricCalls() != null && combined.maxMetricCalls() < val.size()) {
                problems.add("a budget of " + combined.maxMetricCalls() + " metric calls cannot pay for the baseline: "
                        + "scoring the seed on the validation set takes " + val.size() + " calls");
            }
            return combined;
        }

        private static Budget tighter(Budget a, Budget b) {
            Path stop = a.stopFile() != null ? a.stopFile() : b.stopFile();
            return new Budget(min(a.maxMetricCalls(), b.maxMetricCalls()), min(a.maxWallTime(), b.maxWallTime()), stop,
                    min(a.maxCostUsd(), b.maxCostUsd()));
        }

        /** The smaller limit, null meaning none (written out: a conditional mixing Long and long unboxes null). */
        private static <T extends Comparable<T>> T min(T x, T y) {
            if (x == null) {
                return y;
            }
            if (y == null) {
                return x;
            }
            return x.compareTo(y) <= 0 ? x : y;
        }
    }
}
