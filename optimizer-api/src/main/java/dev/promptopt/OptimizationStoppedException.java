package dev.promptopt;

/**
 * Thrown by {@link Evaluator} when asked to start a batch after a stop condition holds
 * (budget spent, wall time over, stop file present, cancelled). Optimizers catch it and
 * return the best candidate found so far.
 *
 * <pre>{@code
 * try { batch = evaluator.evaluate(candidate, minibatch); }
 * catch (OptimizationStoppedException stop) { return bestSoFar(stop.reason()); }
 * }</pre>
 */
public class OptimizationStoppedException extends PromptOptimizerException {
    private final StopReason reason;

    public OptimizationStoppedException(StopReason reason) {
        super("optimization stopped: " + reason.description());
        this.reason = reason;
    }

    public StopReason reason() {
        return reason;
    }
}
