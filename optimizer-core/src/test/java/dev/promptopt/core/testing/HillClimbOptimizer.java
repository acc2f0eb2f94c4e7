package dev.promptopt.core.testing;

import dev.promptopt.CandidateRecord;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.OptimizationContext;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationStoppedException;
import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.StopReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A third-party optimizer written against the SPI alone: it appends, one at a time, sentences from a fixed
 * list to the instruction of one prompt, keeps each that raises the validation score, checkpoints after
 * every step and resumes from its checkpoint. {@code crashAfterStep} simulates a process dying.
 */
public final class HillClimbOptimizer implements Optimizer {
    /** The checkpointed state. */
    public record State(int nextHint, String bestText, double bestScore, List<String> accepted) {
    }

    private final String prompt;
    private final List<String> hints;
    private final int crashAfterStep;

    public HillClimbOptimizer(String prompt, List<String> hints) {
        this(prompt, hints, -1);
    }

    public HillClimbOptimizer(String prompt, List<String> hints, int crashAfterStep) {
        this.prompt = prompt;
        this.hints = List.copyOf(hints);
        this.crashAfterStep = crashAfterStep;
    }

    @Override
    public String name() {
        return "hill-climb";
    }

    @Override
    public OptimizerOutcome optimize(OptimizationContext ctx) {
        PromptTemplate seedTemplate = ctx.seed().get(prompt);
        State state = ctx.restore(State.class).orElse(null);
        List<CandidateRecord> records = new ArrayList<>();
        EvaluationBatch seedBatch = ctx.evaluator().evaluate(ctx.seed(), ctx.validationData().examples());
        records.add(new CandidateRecord(0, ctx.seed(), List.of(), "seed", seedBatch.mean(), seedBatch.scoresById(), 0));
        if (state == null) {
            state = new State(0, seedTemplate.optimizableText(), seedBatch.mean(), List.of());
            ctx.checkpoint(state);
        }
        StopReason stop = StopReason.completed("all hints tried");
        try {
            while (state.nextHint() < hints.size()) {
                int step = state.nextHint();
                ctx.emit(new OptimizationEvent.IterationStarted(step + 1));
                String text = state.bestText() + " " + hints.get(step);
                PromptSet candidate = ctx.seed().with(prompt, seedTemplate.withOptimizableText(text));
                List<String> problems = ctx.candidateProblems(candidate);
                if (!problems.isEmpty()) {
                    ctx.emit(new OptimizationEvent.CandidateRejected(step + 1, String.join("; ", problems)));
                    state = new State(step + 1, state.bestText(), state.bestScore(), state.accepted());
                    ctx.checkpoint(state);
                    continue;
                }
                EvaluationBatch b = ctx.evaluator().evaluate(candidate, ctx.validationData().examples());
                if (step == crashAfterStep) {
                    throw new IllegalStateException("simulated crash after step " + step);
                }
                if (b.mean() > state.bestScore()) {
                    List<String> acc = new ArrayList<>(state.accepted());
                    acc.add(text);
                    state = new State(step + 1, text, b.mean(), acc);
                    ctx.emit(new OptimizationEvent.CandidateAccepted(step + 1, acc.size(), List.of(acc.size() - 1), b.mean(), true));
                } else {
                    state = new State(step + 1, state.bestText(), state.bestScore(), state.accepted());
                }
                ctx.checkpoint(state);
            }
        } catch (OptimizationStoppedException e) {
            stop = e.reason();
        }
        for (int i = 0; i < state.accepted().size(); i++) {
            PromptSet c = ctx.seed().with(prompt, seedTemplate.withOptimizableText(state.accepted().get(i)));
            EvaluationBatch b = ctx.evaluator().evaluate(c, ctx.validationData().examples()); // cached: free
            records.add(new CandidateRecord(i + 1, c, List.of(i), "hint", b.mean(), b.scoresById(), 0));
        }
        PromptSet best = ctx.seed().with(prompt, seedTemplate.withOptimizableText(state.bestText()));
        return new OptimizerOutcome(best, records, records.size() - 1, stop, new Stats(hints.size()));
    }

    /** The hill climber's facts: how many hints it had to try. */
    public record Stats(int hints) implements dev.promptopt.OptimizerStats {
    }
}
