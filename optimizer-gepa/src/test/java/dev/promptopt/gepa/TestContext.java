package dev.promptopt.gepa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.Evaluator;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import dev.promptopt.OptimizationContext;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationStoppedException;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.Rng;
import dev.promptopt.Scorer;
import dev.promptopt.StopReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A stand-in for the engine's context (thread-safe by one lock, so parallel proposals can share it): evaluates with a predict function and scorers,
 * caches (candidate, example) pairs, enforces a metric call budget before each batch, and checkpoints by
 * writing the optimizer state to JSON and reading it back on resume, so serialization bugs show. A run can
 * be "killed" by throwing from checkpoint number k (after it was saved) or from the evaluator after the
 * k-th metric call.
 */
final class TestContext implements OptimizationContext {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Thrown to simulate the process dying. */
    static final class Killed extends RuntimeException {
        Killed(String message) {
            super(message);
        }
    }

    /** What a checkpoint saved: the optimizer state as JSON and the engine's own state. */
    record Saved(String stateJson, long rngState, Map<CacheKey, ExampleResult> cache, long metricCalls) {
    }

    record CacheKey(PromptSet candidate, String exampleId) {
    }

    private final PromptSet seed;
    private final Dataset train;
    private final Dataset validation;
    private final PredictFn predict;
    private final List<Scorer> scorers;
    private final Budget budget;
    private final long seedValue;
    private final Rng rng;
    private final Map<CacheKey, ExampleResult> cache;
    private long metricCalls;
    private final Saved resumeFrom;

    final List<OptimizationEvent> events = new ArrayList<>();
    final List<String> checkpointSteps = new ArrayList<>();
    Saved lastSaved;
    int killAtCheckpoint = -1;
    long killAfterMetricCalls = -1;
    int batches;

    TestContext(PromptSet seed, Dataset train, Dataset validation, PredictFn predict, List<Scorer> scorers,
                Budget budget, long seedValue) {
        this(seed, train, validation, predict, scorers, budget, seedValue, null);
    }

    private TestContext(PromptSet seed, Dataset train, Dataset validation, PredictFn predict, List<Scorer> scorers,
                        Budget budget, long seedValue, Saved resumeFrom) {
        this.seed = seed;
        this.train = train;
        this.validation = validation;
        this.predict = predict;
        this.scorers = scorers;
        this.budget = budget;
        this.seedValue = seedValue;
        this.resumeFrom = resumeFrom;
        if (resumeFrom == null) {
            this.rng = Rng.seeded(seedValue);
            this.cache = new HashMap<>();
        } else {
            this.rng = Rng.fromState(resumeFrom.rngState());
            this.cache = new HashMap<>(resumeFrom.cache());
            this.metricCalls = resumeFrom.metricCalls();
        }
    }

    /** A fresh context continuing from this one's last checkpoint, as a restarted process would. */
    TestContext resumed() {
        return new TestContext(seed, train, validation, predict, scorers, budget, seedValue, lastSaved);
    }

    @Override
    public PromptSet seed() {
        return seed;
    }

    @Override
    public Dataset trainData() {
        return train;
    }

    @Override
    public Dataset validationData() {
        return validation;
    }

    @Override
    public Evaluator evaluator() {
        return evaluator;
    }

    @Override
    public Rng random() {
        return rng;
    }

    @Override
    public long randomSeed() {
        return seedValue;
    }

    @Override
    public Budget budget() {
        return budget;
    }

    @Override
    public synchronized Optional<StopReason> stopReason() {
        if (budget.maxMetricCalls() != null && metricCalls >= budget.maxMetricCalls()) {
            return Optional.of(new StopReason(StopReason.Kind.METRIC_CALLS,
                    "metric call budget of " + budget.maxMetricCalls() + " spent (" + metricCalls + " used)"));
        }
        return Optional.empty();
    }

    @Override
    public synchronized void emit(OptimizationEvent event) {
        events.add(event);
    }

    @Override
    public List<String> candidateProblems(PromptSet candidate) {
        return dev.promptopt.core.Candidates.problems(seed, candidate); // the same check the real run makes
    }

    @Override
    public synchronized void checkpoint(Object optimizerState) {
        String json;
        try {
            json = MAPPER.writeValueAsString(optimizerState);
            checkpointSteps.add(MAPPER.readTree(json).get("lastStep").asText());
        } catch (JsonProcessingException e) {
            throw new AssertionError("optimizer state is not JSON-serializable", e);
        }
        lastSaved = new Saved(json, rng.state(), new HashMap<>(cache), metricCalls);
        if (checkpointSteps.size() == killAtCheckpoint) {
            throw new Killed("killed after checkpoint " + killAtCheckpoint);
        }
    }

    @Override
    public <T> Optional<T> restore(Class<T> stateType) {
        if (resumeFrom == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.readValue(resumeFrom.stateJson(), stateType));
        } catch (JsonProcessingException e) {
            throw new AssertionError("optimizer state does not read back from JSON", e);
        }
    }

    long metricCalls() {
        return metricCalls;
    }

    private final Evaluator evaluator = new Evaluator() {
        @Override
        public EvaluationBatch evaluate(PromptSet candidate, List<Example> examples) {
            synchronized (TestContext.this) {
                return evaluateLocked(candidate, examples);
            }
        }

        private EvaluationBatch evaluateLocked(PromptSet candidate, List<Example> examples) {
            if (budget.maxMetricCalls() != null && metricCalls >= budget.maxMetricCalls()) {
                throw new OptimizationStoppedException(stopReason().orElseThrow());
            }
            batches++;
            List<ExampleResult> results = new ArrayList<>();
            for (Example e : examples) {
                CacheKey key = new CacheKey(candidate, e.id());
                ExampleResult hit = cache.get(key);
                if (hit != null) {
                    results.add(hit.asCached());
                    continue;
                }
                ExampleResult r = run(candidate, e);
                metricCalls++;
                cache.put(key, r);
                results.add(r);
                if (metricCalls == killAfterMetricCalls) {
                    throw new Killed("killed after metric call " + metricCalls);
                }
            }
            return new EvaluationBatch(candidate, results);
        }

        @Override
        public CompletableFuture<EvaluationBatch> evaluateAsync(PromptSet candidate, List<Example> examples) {
            try {
                return CompletableFuture.completedFuture(evaluate(candidate, examples));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public long metricCallsUsed() {
            synchronized (TestContext.this) {
                return metricCalls;
            }
        }
    };

    private ExampleResult run(PromptSet candidate, Example e) {
        Object output;
        try {
            output = predict.predict(e.inputs(), candidate);
        } catch (Exception ex) {
            return new ExampleResult(e, null, Map.of(), 0.0, ex.toString(), 0, false);
        }
        Map<String, Feedback> feedback = new LinkedHashMap<>();
        double sum = 0;
        for (Scorer s : scorers) {
            Feedback f;
            try {
                f = s.score(e, output);
            } catch (Exception ex) {
                f = Feedback.fail("scorer failed: " + ex);
            }
            feedback.put(s.name(), f);
            sum += f.value();
        }
        return new ExampleResult(e, output, feedback, scorers.isEmpty() ? 0 : sum / scorers.size(), null, 0, false);
    }
}
