package dev.promptopt;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one place every predict and judge call goes through. It enforces the run's concurrency limit,
 * budget, cache and cancellation. Optimizers get it from {@link OptimizationContext#evaluator()}.
 *
 * <p>The budget is checked before each batch starts, counting the new calls of that batch and those reserved
 * by batches in flight: a batch that does not fit in the metric calls left does not start
 * ({@link OptimizationStoppedException}), so a run never spends more than {@code maxMetricCalls}. A
 * (candidate, example) pair already scored in this run is served from the cache and costs no metric call;
 * a pair whose call failed is not cached, costs no metric call, and is asked again the next time it is needed.
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
