package dev.promptopt.managed;

import dev.promptopt.CandidateRecord;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.OptimizationContext;
import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.StopReason;
import java.util.List;

/** Scores the seed and proposes nothing: the base model's reference evaluation, resumable like any run. */
final class BaselineOnly implements Optimizer {
    @Override
    public String name() {
        return "baseline-only";
    }

    @Override
    public OptimizerOutcome optimize(OptimizationContext ctx) {
        EvaluationBatch b = ctx.evaluator().evaluate(ctx.seed(), ctx.validationData().examples()); // cached from the baseline
        CandidateRecord seed = new CandidateRecord(0, ctx.seed(), List.of(), "seed", b.mean(), b.scoresById(), 0);
        return new OptimizerOutcome(ctx.seed(), List.of(seed), 0, StopReason.completed("base model evaluated"));
    }
}
