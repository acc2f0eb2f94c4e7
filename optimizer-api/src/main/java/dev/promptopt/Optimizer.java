package dev.promptopt;

/**
 * A prompt optimization algorithm. SPI: GEPA implements it, and so can anyone. An optimizer asks
 * the context's {@link Evaluator} for every evaluation, proposes new templates, checkpoints its state
 * after each iteration and returns the best candidate.
 *
 * <pre>{@code
 * Optimizer keepSeed = new Optimizer() {
 *     public String name() { return "keep-seed"; }
 *     public OptimizerOutcome optimize(OptimizationContext ctx) {
 *         EvaluationBatch b = ctx.evaluator().evaluate(ctx.seed(), ctx.validationData().examples());
 *         CandidateRecord seed = new CandidateRecord(0, ctx.seed(), List.of(), "seed", b.mean(), b.scoresById(), 0);
 *         return new OptimizerOutcome(ctx.seed(), List.of(seed), 0, StopReason.completed("done"));
 *     }
 * };
 * }</pre>
 */
public interface Optimizer {
    /** The name in params, metrics and reports, e.g. {@code gepa}. */
    String name();

    OptimizerOutcome optimize(OptimizationContext context);

    /**
     * The limits this optimizer was configured with (e.g. GEPA's max metric calls), if any. A run applies
     * these together with the builder's own budget: each limit holds, the tighter one wins.
     */
    default java.util.Optional<Budget> budget() {
        return java.util.Optional.empty();
    }

    /**
     * Problems with this optimizer's options in the given run, checked before any call is made
     * (e.g. a budget too small to propose anything). Errors stop the run; warnings are logged.
     */
    default java.util.List<String> validate(OptimizationContext context) {
        return java.util.List.of();
    }
}
