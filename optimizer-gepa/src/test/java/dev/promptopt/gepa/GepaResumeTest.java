package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.OptimizerOutcome;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A run killed right after any checkpoint and resumed from it ends exactly as an uninterrupted run, and
 * together the two processes make exactly as many model calls (target and reflection) as one run.
 */
class GepaResumeTest {
    private static final long SEED = 7;

    /** A run with merges and a forgetful reflector, so every kind of step happens. */
    private static final class Setup {
        final RuleWorld.Target target = new RuleWorld.Target(0);
        final RuleWorld.Reflector reflector = new RuleWorld.Reflector(1, 1);
        final EngineRun ctx = RuleWorld.context(RuleWorld.twoPrompts(), target, 300, SEED);

        Gepa gepa() {
            return new Gepa(Gepa.options().merge(true).reflectionModel(reflector));
        }

        int modelCalls() {
            return target.calls.get() + reflector.calls.get();
        }
    }

    @Test
    void resumingAfterAnyCheckpointRepeatsNoModelCallAndGivesTheSameResult() {
        Setup whole = new Setup();
        OptimizerOutcome expected = whole.ctx.optimize(whole.gepa());
        List<String> steps = whole.ctx.checkpointSteps;
        assertThat(new LinkedHashSet<>(steps)).contains("seed-validation", "minibatch", "reflection",
                "child-minibatch", "validation", "rejected", "merge", "merge-validation");
        assertThat(expected.stats(GepaStats.class).orElseThrow().mergesAccepted()).isPositive();

        Set<String> killedAfter = new LinkedHashSet<>();
        for (int k = 1; k <= steps.size(); k++) {
            // Every kind of step at its first occurrence, and every 10th checkpoint (a run has a few hundred).
            if (killedAfter.contains(steps.get(k - 1)) && k % 10 != 0) {
                continue;
            }
            Setup run = new Setup();
            run.ctx.killAtCheckpoint = k;
            assertThatThrownBy(() -> run.ctx.optimize(run.gepa())).satisfies(EngineRun::assertKilled);

            OptimizerOutcome resumed = run.ctx.resumed().optimize(run.gepa());

            String at = "killed after checkpoint " + k + " (" + steps.get(k - 1) + ")";
            assertThat(resumed.candidates()).as(at).isEqualTo(expected.candidates());
            assertThat(resumed.bestIndex()).as(at).isEqualTo(expected.bestIndex());
            assertThat(resumed.stopReason()).as(at).isEqualTo(expected.stopReason());
            assertThat(resumed.stats()).as(at).isEqualTo(expected.stats());
            assertThat(run.modelCalls()).as(at).isEqualTo(whole.modelCalls());
            killedAfter.add(steps.get(k - 1));
        }
        assertThat(killedAfter).containsAll(new LinkedHashSet<>(steps));
    }

    @Test
    void survivesSeveralKillsInOneRun() {
        Setup whole = new Setup();
        OptimizerOutcome expected = whole.ctx.optimize(whole.gepa());

        Setup run = new Setup();
        EngineRun ctx = run.ctx;
        for (int kill : new int[] {3, 7, 12, 20}) {
            ctx.killAtCheckpoint = kill;
            EngineRun c = ctx;
            assertThatThrownBy(() -> c.optimize(run.gepa())).satisfies(EngineRun::assertKilled);
            ctx = ctx.resumed();
        }
        OptimizerOutcome resumed = ctx.optimize(run.gepa());

        assertThat(resumed.candidates()).isEqualTo(expected.candidates());
        assertThat(run.modelCalls()).isEqualTo(whole.modelCalls());
    }

    @Test
    void aKillInTheMiddleOfABatchRepeatsOnlyThatBatchAndGivesTheSameResult() {
        Setup whole = new Setup();
        OptimizerOutcome expected = whole.ctx.optimize(whole.gepa());

        for (long k : new long[] {5, 10, 30, 60}) {
            Setup run = new Setup();
            run.ctx.killAfterMetricCalls = k;
            assertThatThrownBy(() -> run.ctx.optimize(run.gepa())).satisfies(EngineRun::assertKilled);

            OptimizerOutcome resumed = run.ctx.resumed().optimize(run.gepa());

            assertThat(resumed.candidates()).as("killed at metric call " + k).isEqualTo(expected.candidates());
            // at most the lost part of one batch (validation: 8 examples) is paid twice
            assertThat(run.modelCalls() - whole.modelCalls()).isBetween(0, 8);
        }
    }
}
