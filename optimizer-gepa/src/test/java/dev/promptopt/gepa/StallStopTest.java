package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.CandidateRecord;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.StopReason;
import dev.promptopt.gepa.internal.GepaState;
import dev.promptopt.gepa.internal.Pareto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stall stop does not end a run whose selectable candidates still have train examples never scored. */
class StallStopTest {
    @Test
    void aStalledRunStopsOnlyOnceEverySelectableCandidateWasScoredOnEveryTrainExample() {
        RuleWorld.Target target = new RuleWorld.Target(0);
        // Seed 29: the run stalls while a selectable candidate still has train examples it was never scored on;
        // a stall stop that did not wait for those minibatches ends this run early (it leaves one unscored).
        EngineRun run = RuleWorld.context(RuleWorld.twoPrompts(), target, 1000, 29);
        AtomicLong newCalls = new AtomicLong(-1);
        AtomicInteger selectableCount = new AtomicInteger();

        // Once GEPA has returned, and while the engine still holds the run's cache: rebuild the candidates the
        // Pareto selection could still draw and score each on the whole train set. Every pair must already be
        // in the cache (no new metric call), i.e. no unevaluated minibatch was left when the run stopped.
        OptimizerOutcome out = run.optimize(new Gepa(Gepa.options().merge(true).reflectionModel(new RuleWorld.Reflector(1, 1))),
                (ctx, outcome) -> {
                    Set<Integer> selectable = selectable(outcome);
                    selectableCount.set(selectable.size());
                    long before = ctx.evaluator().metricCallsUsed();
                    for (int c : selectable) {
                        ctx.evaluator().evaluate(outcome.candidates().get(c).templates(), RuleWorld.train().examples());
                    }
                    newCalls.set(ctx.evaluator().metricCallsUsed() - before);
                });

        assertThat(out.stopReason().kind()).isEqualTo(StopReason.Kind.COMPLETED);
        assertThat(out.stopReason().description()).startsWith("no new evaluation in the last ");
        assertThat(selectableCount.get()).isGreaterThan(1);
        assertThat(newCalls.get()).as("new calls for selectable candidates on the train set").isZero();
    }

    private static Set<Integer> selectable(OptimizerOutcome out) {
        List<GepaState.Candidate> cs = new ArrayList<>();
        for (CandidateRecord r : out.candidates()) {
            GepaState.Candidate c = new GepaState.Candidate();
            c.validationScores = new java.util.LinkedHashMap<>(r.validationScores());
            c.score = r.score();
            cs.add(c);
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            all.add(i);
        }
        List<String> ids = RuleWorld.validation().examples().stream().map(e -> e.id()).toList();
        return Pareto.frequencies(Pareto.fronts(cs, all, ids), Pareto.aggregates(cs)).keySet();
    }
}
