package dev.promptopt;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one place every predict and judge call goes through. It enforces the run's concurrency limit,
 * budget, cache and cancellation. Optimizers get it from {@link OptimizationContext#evaluator()}.
 *
 * <p>The budget is checked before each batch starts: a batch that starts runs to its end, so a run
 * overshoots its budget by at most the batch in flight. A (candidate, example) pair already evaluated
 * in this run is served from the cache and costs no metric call.
 *
 * <pre>{@code
 * EvaluationBatch parentScores = ctx.evaluator().evaluate(parent, minibatch);
 * CompletableFuture<EvaluationBatch> full = ctx.evaluator().evaluateAsync(child, ctx.validationData().examples());
 * }</pre>
 */
public interface Evaluator {
    /**
     * Evaluates a candidate on examples, concurrently up to the run's limit.
     *
     * @throws OptimizationStoppedException when a stop condition holds before the batch starts
     * @throws SystemicFailureException     when every new call of the batch failed
     */
    EvaluationBatch evaluate(PromptSet candidate, List<Example> examples);

    /** As {@link #evaluate}, without blocking the caller; failures complete the future exceptionally. */
    CompletableFuture<EvaluationBatch> evaluateAsync(PromptSet candidate, List<Example> examples);

    /** Metric calls spent so far in this run (cache hits excluded). */
    long metricCallsUsed();
}
