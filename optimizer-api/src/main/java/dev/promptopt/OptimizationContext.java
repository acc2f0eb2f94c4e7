package dev.promptopt;

import java.util.List;
import java.util.Optional;

/**
 * Everything an {@link Optimizer} may use: the seed templates, the data, the evaluator, the seeded
 * RNG, the event sink and the checkpoint.
 *
 * <pre>{@code
 * Optional<MyState> saved = ctx.restore(MyState.class);     // resuming?
 * ...
 * ctx.checkpoint(state);                                    // after each iteration
 * }</pre>
 */
public interface OptimizationContext {
    /** The templates the run starts from, by prompt name. */
    PromptSet seed();

    /** The feedback set: minibatches and reflection come from here. */
    Dataset trainData();

    /** The selection set every kept candidate is scored on; the train data when none was given. */
    Dataset validationData();

    Evaluator evaluator();

    /** The run's seeded RNG; its state is saved with each checkpoint and restored on resume. */
    Rng random();

    /** The run's seed (what the RNG started from). */
    long randomSeed();

    /** The budget the run was given. */
    Budget budget();

    /** Set once a stop condition holds (budget, time, stop file, cancellation). */
    Optional<StopReason> stopReason();

    /** Sends an event to the run's listeners. */
    void emit(OptimizationEvent event);

    /**
     * Problems that make a candidate unusable, one sentence each; empty when it is fine. A candidate
     * must keep every template's variables: dropping or inventing one is a problem.
     */
    List<String> candidateProblems(PromptSet candidate);

    /**
     * The run's locked sections and maximum prompt length; {@link #candidateProblems} already checks them, an
     * optimizer reads them to tell a rewriting model what it must keep.
     */
    default PromptConstraints constraints() {
        return PromptConstraints.none();
    }

    /**
     * Saves the optimizer's state (a JSON-serializable object) together with the engine's state
     * (RNG, evaluation cache, metric calls), atomically.
     */
    void checkpoint(Object optimizerState);

    /** The state saved by the last {@link #checkpoint} of the run being resumed, if any. */
    <T> Optional<T> restore(Class<T> stateType);
}
