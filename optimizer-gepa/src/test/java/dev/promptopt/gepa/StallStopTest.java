package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.CandidateRecord;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.StopReason;
import dev.promptopt.gepa.internal.GepaState;
import dev.promptopt.gepa.internal.Pareto;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stall stop does not end a run whose selectable candidates still have train examples never scored. */
class StallStopTest {
    @Test
    void aStalledRunStopsOnlyOnceEverySelectableCandidateWasScoredOnEveryTrainExample() {
        RuleWorld.Target target = new RuleWorld.Target(0);
        TestContext ctx = RuleWorld.context(RuleWorld.twoPrompts(), target, 1000, 7);
        OptimizerOutcome out = new Gepa(Gepa.options().merge(true).reflectionModel(new RuleWorld.Reflector(1, 1)))
                .optimize(ctx);
        assertThat(out.stopReason().kind()).isEqualTo(StopReason.Kind.COMPLETED);
        assertThat(out.stopReason().description()).startsWith("no new evaluation in the last ");
        assertThat(ctx.metricCalls()).isLessThan(1000); // budget left

        // Rebuild the candidates the Pareto selection could still draw, and score each on the whole train set:
        // every pair must already be in the cache (no new metric call), i.e. no unevaluated minibatch was left.
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
        var selectable = Pareto.frequencies(Pareto.fronts(cs, all, ids), Pareto.aggregates(cs)).keySet();
        assertThat(selectable).hasSizeGreaterThan(1);
        long before = ctx.metricCalls();
        for (int c : selectable) {
            ctx.evaluator().evaluate(out.candidates().get(c).templates(), RuleWorld.train().examples());
        }
        assertThat(ctx.metricCalls()).as("new calls for selectable candidates on the train set").isEqualTo(before);
    }
}
