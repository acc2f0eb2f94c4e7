package dev.promptopt.core.internal.engine;

import dev.promptopt.core.Candidates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Evaluator;
import dev.promptopt.OptimizationContext;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationListener;
import dev.promptopt.PromptConstraints;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptSet;
import dev.promptopt.Rng;
import dev.promptopt.StopReason;
import dev.promptopt.core.CheckpointStore;
import java.util.List;
import java.util.Optional;

/** The {@link OptimizationContext} of one run. */
public final class RunContext implements OptimizationContext {
    private final String runId;
    private final String optimizerName;
    private final PromptSet seed;
    private final String seedFingerprint;
    private final Dataset train;
    private final Dataset validation;
    private final EvaluationEngine engine;
    private final ResultJournal journal;
    private final long randomSeed;
    private final Rng rng;
    private final List<OptimizationListener> listeners;
    private final CheckpointStore checkpoints;
    private final ObjectMapper mapper;
    private final JsonNode restoredState;
    private List<String> registeredUris;
    private final PromptConstraints constraints;

    public RunContext(String runId, String optimizerName, PromptSet seed, Dataset train, Dataset validation,
                      EvaluationEngine engine, ResultJournal journal, long randomSeed, Rng rng,
                      List<OptimizationListener> listeners, CheckpointStore checkpoints, ObjectMapper mapper,
                      JsonNode restoredState, List<String> registeredUris, PromptConstraints constraints) {
        this.runId = runId;
        this.optimizerName = optimizerName;
        this.seed = seed;
        this.seedFingerprint = Fingerprints.of(seed);
        this.train = train;
        this.validation = validation;
        this.engine = engine;
        this.journal = journal;
        this.randomSeed = randomSeed;
        this.rng = rng;
        this.listeners = List.copyOf(listeners);
        this.checkpoints = checkpoints;
        this.mapper = mapper;
        this.restoredState = restoredState;
        this.registeredUris = registeredUris;
        this.constraints = constraints;
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
        return engine;
    }

    public EvaluationEngine engine() {
        return engine;
    }

    @Override
    public Rng random() {
        return rng;
    }

    @Override
    public long randomSeed() {
        return randomSeed;
    }

    @Override
    public Budget budget() {
        return engine.stops().budget();
    }

    @Override
    public Optional<StopReason> stopReason() {
        return engine.stops().check(engine.metricCallsUsed(), 0, 1);
    }

    @Override
    public void emit(OptimizationEvent event) {
        Listeners.emit(listeners, event);
    }

    @Override
    public List<String> candidateProblems(PromptSet candidate) {
        return Candidates.problems(seed, candidate, constraints);
    }

    @Override
    public PromptConstraints constraints() {
        return constraints;
    }

    @Override
    public synchronized void checkpoint(Object optimizerState) {
        JsonNode state = optimizerState == null ? null : mapper.valueToTree(optimizerState);
        save(state);
    }

    /** Writes the checkpoint; {@code optimizerState} null keeps the engine's part only. */
    public synchronized void save(JsonNode optimizerState) {
        checkpoints.save(new RunCheckpoint(RunCheckpoint.FORMAT, runId, optimizerName, seedFingerprint, randomSeed,
                rng.state(), journal.entries(), engine.metricCallsUsed(), engine.stops().elapsed().toMillis(),
                optimizerState, registeredUris));
        lastState = optimizerState;
    }

    private JsonNode lastState;

    /** Records the versions registered at the end, keeping the optimizer's last state. */
    public synchronized void markRegistered(List<String> uris) {
        this.registeredUris = List.copyOf(uris);
        save(lastState != null ? lastState : restoredState);
    }

    public List<String> registeredUris() {
        return registeredUris;
    }

    @Override
    public <T> Optional<T> restore(Class<T> stateType) {
        if (restoredState == null || restoredState.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.treeToValue(restoredState, stateType));
        } catch (JsonProcessingException e) {
            throw new PromptOptimizerException("the checkpoint of run '" + runId + "' (" + checkpoints.file()
                    + ") does not hold a " + stateType.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public String runId() {
        return runId;
    }
}
