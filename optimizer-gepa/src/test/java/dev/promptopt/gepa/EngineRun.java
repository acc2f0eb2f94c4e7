package dev.promptopt.gepa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Evaluator;
import dev.promptopt.InvalidInputException;
import dev.promptopt.OptimizationContext;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptConstraints;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptSet;
import dev.promptopt.Rng;
import dev.promptopt.StopReason;
import dev.promptopt.core.PromptOptimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * An optimizer run on the rule task through the real {@link PromptOptimizer} and its evaluation engine (budget,
 * cache, journal, checkpoints), with what the tests inspect recorded on the side: the events, the step of every
 * checkpoint and its JSON, and the outcome the optimizer returned. A run can be killed, as a dying process would
 * be, right after its k-th checkpoint was written or when a predict call would exceed a count; {@link #resumed()}
 * continues it from its run folder, as a restarted process would.
 */
final class EngineRun {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Thrown to simulate the process dying. */
    static final class Killed extends Error {
        Killed(String message) {
            super(message);
        }
    }

    private final PromptSet seed;
    private final PredictFn predict;
    private final long maxMetricCalls;
    private final long seedValue;
    private final Path dir;
    private final PromptRegistry registry;
    private final boolean resume;
    private final AtomicLong predictCalls;

    final List<OptimizationEvent> events = new CopyOnWriteArrayList<>();
    final List<String> checkpointSteps = new CopyOnWriteArrayList<>();
    volatile String lastSavedState;
    volatile int killAtCheckpoint = -1;
    /** Kills the run right after the first checkpoint whose saved state this accepts. */
    volatile java.util.function.Predicate<JsonNode> killWhenSaved;
    volatile long killAfterMetricCalls = -1;
    int maxConcurrency = 1;
    private volatile long metricCalls;
    private OptimizationResult result;
    private int validations;

    EngineRun(PromptSet seed, PredictFn predict, long maxMetricCalls, long seedValue) {
        this(seed, predict, maxMetricCalls, seedValue, tempDir(), null, false, new AtomicLong());
    }

    private EngineRun(PromptSet seed, PredictFn predict, long maxMetricCalls, long seedValue, Path dir,
                      PromptRegistry registry, boolean resume, AtomicLong predictCalls) {
        this.seed = seed;
        this.predict = predict;
        this.maxMetricCalls = maxMetricCalls;
        this.seedValue = seedValue;
        this.dir = dir;
        this.resume = resume;
        this.predictCalls = predictCalls;
        if (registry == null) {
            registry = PromptRegistry.inMemory();
            for (String name : seed.names()) {
                registry.register(name, seed.get(name));
            }
        }
        this.registry = registry;
    }

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("gepa-engine-run");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that {@code thrown} is, or was caused by, a simulated kill. */
    static void assertKilled(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof Killed) {
                return;
            }
        }
        throw new AssertionError("expected a simulated kill, got " + thrown, thrown);
    }

    /** A fresh run continuing from this one's run folder, as a restarted process would. */
    EngineRun resumed() {
        EngineRun next = new EngineRun(seed, predict, maxMetricCalls, seedValue, dir, registry, true, predictCalls);
        next.maxConcurrency = maxConcurrency;
        return next;
    }

    /** Runs the optimizer through the engine and returns what its {@code optimize} returned. */
    OptimizerOutcome optimize(Optimizer optimizer) {
        return optimize(optimizer, (ctx, out) -> { });
    }

    /**
     * As {@link #optimize(Optimizer)}; {@code afterwards} runs with the live context and the outcome once the
     * optimizer has returned, before the engine closes (to ask the evaluator what is cached, for example).
     */
    OptimizerOutcome optimize(Optimizer optimizer, BiConsumer<OptimizationContext, OptimizerOutcome> afterwards) {
        Recording recording = new Recording(optimizer, afterwards);
        result = builder(recording, "run", resume).run();
        metricCalls = result.metricCalls();
        return recording.outcome;
    }

    /** What the optimizer's {@code validate} says in the real run's context; nothing is evaluated. */
    List<String> validate(Optimizer optimizer) {
        List<String> problems = new ArrayList<>();
        boolean[] reached = {false};
        Optimizer probe = new Optimizer() {
            @Override
            public String name() {
                return optimizer.name();
            }

            @Override
            public OptimizerOutcome optimize(OptimizationContext context) {
                throw new AssertionError("validate only");
            }

            @Override
            public List<String> validate(OptimizationContext context) {
                reached[0] = true;
                problems.addAll(optimizer.validate(context));
                return List.of("validate only"); // stops the run before the baseline
            }
        };
        try {
            builder(probe, "validate-" + validations++, false).run();
            throw new AssertionError("the run was expected to stop after validation");
        } catch (InvalidInputException expected) {
            // The builder checks an optimizer's setup too, before there is a context: then its problems are these.
            return reached[0] ? problems : expected.problems();
        }
    }

    private PromptOptimizer.Builder builder(Optimizer optimizer, String runId, boolean resume) {
        List<String> uris = seed.names().stream().map(n -> "prompts:/" + n + "/1").toList();
        PredictFn killable = (inputs, prompts) -> {
            if (predictCalls.incrementAndGet() == killAfterMetricCalls + 1) {
                throw new Killed("killed after metric call " + killAfterMetricCalls);
            }
            return predict.predict(inputs, prompts);
        };
        PromptOptimizer.Builder b = PromptOptimizer.builder().registry(registry).prompts(uris).predictFn(killable)
                .trainData(RuleWorld.train()).validationData(RuleWorld.validation()).scorers(RuleWorld.SCORER)
                .optimizer(optimizer).budget(Budget.metricCalls(maxMetricCalls)).randomSeed(seedValue)
                .maxConcurrency(maxConcurrency).runDirectory(dir).registerOnlyIfImproved(true).listener(events::add)
                .allowConstantPrompt(); // the rules prompt of the two-prompt task has no variable, by design
        return resume ? b.resume(runId) : b.runId(runId);
    }

    /** Metric calls the run spent, counted by the engine. */
    long metricCalls() {
        return metricCalls;
    }

    /** The result the engine returned for the last run. */
    OptimizationResult result() {
        return result;
    }

    /** Passes the optimizer the engine's context, recording checkpoints and killing the run on request. */
    private final class Recording implements Optimizer {
        private final Optimizer delegate;
        private final BiConsumer<OptimizationContext, OptimizerOutcome> afterwards;
        OptimizerOutcome outcome;

        Recording(Optimizer delegate, BiConsumer<OptimizationContext, OptimizerOutcome> afterwards) {
            this.delegate = delegate;
            this.afterwards = afterwards;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public List<String> validate(OptimizationContext context) {
            return delegate.validate(context);
        }

        @Override
        public OptimizerOutcome optimize(OptimizationContext context) {
            OptimizationContext recorded = new RecordingContext(context);
            outcome = delegate.optimize(recorded);
            afterwards.accept(recorded, outcome);
            return outcome;
        }
    }

    private final class RecordingContext implements OptimizationContext {
        private final OptimizationContext engine;

        RecordingContext(OptimizationContext engine) {
            this.engine = engine;
        }

        @Override
        public void checkpoint(Object optimizerState) {
            engine.checkpoint(optimizerState);
            JsonNode json = MAPPER.valueToTree(optimizerState);
            lastSavedState = json.toString();
            checkpointSteps.add(json.path("lastStep").asText());
            metricCalls = engine.evaluator().metricCallsUsed();
            if (checkpointSteps.size() == killAtCheckpoint) {
                throw new Killed("killed after checkpoint " + killAtCheckpoint);
            }
            java.util.function.Predicate<JsonNode> when = killWhenSaved;
            if (when != null && when.test(json)) {
                killWhenSaved = null;
                throw new Killed("killed after checkpoint " + checkpointSteps.size() + " (" + json.path("lastStep").asText() + ")");
            }
        }

        @Override
        public PromptSet seed() {
            return engine.seed();
        }

        @Override
        public Dataset trainData() {
            return engine.trainData();
        }

        @Override
        public Dataset validationData() {
            return engine.validationData();
        }

        @Override
        public Evaluator evaluator() {
            return engine.evaluator();
        }

        @Override
        public Rng random() {
            return engine.random();
        }

        @Override
        public long randomSeed() {
            return engine.randomSeed();
        }

        @Override
        public Budget budget() {
            return engine.budget();
        }

        @Override
        public Optional<StopReason> stopReason() {
            return engine.stopReason();
        }

        @Override
        public void emit(OptimizationEvent event) {
            engine.emit(event);
        }

        @Override
        public List<String> candidateProblems(PromptSet candidate) {
            return engine.candidateProblems(candidate);
        }

        @Override
        public PromptConstraints constraints() {
            return engine.constraints();
        }

        @Override
        public <T> Optional<T> restore(Class<T> stateType) {
            return engine.restore(stateType);
        }
    }
}
