package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptopt.CandidateRecord;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PromptSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * Parallel proposals: whatever order the proposals progress in, the run keeps the same candidates, and a
 * run killed with several proposals pending resumes each where it stopped.
 */
class GepaParallelTest {
    private static final long SEED = 11;

    /** What must not depend on thread timing: the pool as candidates (metric call stamps left out). */
    record Kept(Map<String, String> templates, List<Integer> parents, String origin, double score,
                Map<String, Double> validationScores) {
        static List<Kept> of(OptimizerOutcome out) {
            List<Kept> kept = new ArrayList<>();
            for (CandidateRecord c : out.candidates()) {
                Map<String, String> t = new java.util.TreeMap<>();
                c.templates().asMap().forEach((k, v) -> t.put(k, v.text()));
                kept.add(new Kept(t, c.parents(), c.origin(), c.score(), c.validationScores()));
            }
            return kept;
        }
    }

    private static final class Setup {
        final RuleWorld.Target target = new RuleWorld.Target(0);
        final RuleWorld.Reflector reflector = new RuleWorld.Reflector(1, 1);
        final EngineRun ctx = RuleWorld.context(RuleWorld.twoPrompts(), target, 5000, SEED);

        Gepa gepa(int k, Executor executor) {
            return new Gepa(Gepa.options().merge(true).reflectionModel(reflector).parallelProposals(k)
                    .proposalExecutor(executor));
        }

        int modelCalls() {
            return target.calls.get() + reflector.calls.get();
        }
    }

    private static OptimizerOutcome run(Setup s, int k, OrderedExecutor.Order order, long orderSeed) {
        try (OrderedExecutor ex = new OrderedExecutor(order, orderSeed)) {
            return s.ctx.optimize(s.gepa(k, ex));
        }
    }

    @Test
    void fourProposalsInFlightGiveTheSameRunWhateverOrderTheyProgressIn() {
        Setup first = new Setup();
        OptimizerOutcome expected = run(first, 4, OrderedExecutor.Order.FIFO, 0);
        assertThat(expected.candidates().size()).isGreaterThan(3);
        assertThat(expected.stats(GepaStats.class).orElseThrow().mergesAttempted()).isPositive();
        assertThat(proposalsOverlapped(first.ctx.events)).as("proposals overlap in the events").isTrue();

        List<OptimizerOutcome> others = new ArrayList<>();
        others.add(run(new Setup(), 4, OrderedExecutor.Order.LIFO, 0));
        for (long seed = 1; seed <= 6; seed++) {
            others.add(run(new Setup(), 4, OrderedExecutor.Order.RANDOM, seed));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Setup s = new Setup();
            others.add(s.ctx.optimize(s.gepa(4, pool)));
        } finally {
            pool.shutdownNow();
        }
        for (OptimizerOutcome o : others) {
            assertThat(Kept.of(o)).isEqualTo(Kept.of(expected));
            assertThat(o.bestIndex()).isEqualTo(expected.bestIndex());
            assertThat(o.stopReason()).isEqualTo(expected.stopReason());
            assertThat(o.stats(GepaStats.class).orElseThrow().iterations()).isEqualTo(expected.stats(GepaStats.class).orElseThrow().iterations());
            assertThat(o.stats(GepaStats.class).orElseThrow().rejectionReasons()).isEqualTo(expected.stats(GepaStats.class).orElseThrow().rejectionReasons());
        }
    }

    @Test
    void oneProposalInFlightThroughTheExecutorIsTheSequentialRun() {
        Setup sequential = new Setup();
        OptimizerOutcome expected = sequential.ctx.optimize(new Gepa(Gepa.options().merge(true).reflectionModel(sequential.reflector)));
        Setup viaExecutor = new Setup();
        OptimizerOutcome got = run(viaExecutor, 1, OrderedExecutor.Order.RANDOM, 3);
        assertThat(got.candidates()).isEqualTo(expected.candidates());
        assertThat(got.stats()).isEqualTo(expected.stats());
        assertThat(viaExecutor.modelCalls()).isEqualTo(sequential.modelCalls());
    }

    @Test
    void aRunKilledWithSeveralProposalsPendingResumesEachWhereItStopped() throws Exception {
        Setup whole = new Setup();
        OptimizerOutcome expected = run(whole, 4, OrderedExecutor.Order.FIFO, 0);
        int checkpoints = whole.ctx.checkpointSteps.size();

        int killsWithSeveralPending = 0;
        // the last checkpoints depend on how far the proposals dropped at the end got: kill before those
        for (int k = 2; k <= checkpoints * 2 / 3; k += Math.max(1, checkpoints / 12)) {
            Setup r = new Setup();
            r.ctx.killAtCheckpoint = k;
            assertThatThrownBy(() -> run(r, 4, OrderedExecutor.Order.FIFO, 0)).satisfies(EngineRun::assertKilled);
            int beforeKill = r.modelCalls();
            JsonNode saved = EngineRun.MAPPER.readTree(r.ctx.lastSavedState);
            if (saved.get("inFlight").size() > 1) {
                killsWithSeveralPending++;
            }

            OptimizerOutcome afterResume;
            try (OrderedExecutor ex = new OrderedExecutor(OrderedExecutor.Order.RANDOM, k)) {
                afterResume = r.ctx.resumed().optimize(r.gepa(4, ex));
            }
            String as = "killed after checkpoint " + k + " (" + whole.ctx.checkpointSteps.get(k - 1) + ")";
            assertThat(Kept.of(afterResume)).as(as).isEqualTo(Kept.of(expected));
            assertThat(afterResume.bestIndex()).as(as).isEqualTo(expected.bestIndex());
            assertThat(afterResume.stopReason()).as(as).isEqualTo(expected.stopReason());
            // Each proposal is checkpointed after every step, so the resumed run repeats no finished step. What
            // the two runs may differ by is how far proposals got before being dropped (stale, or at the end),
            // which depends on timing: at most one proposal's calls (2 minibatches of 3, 8 validations, 2
            // reflections) per dropped proposal and per slot.
            int dropped = expected.stats(GepaStats.class).orElseThrow().proposalsDropped() + afterResume.stats(GepaStats.class).orElseThrow().proposalsDropped() + 2 * 4;
            int slack = dropped * (2 * 3 + 8 + 2);
            assertThat(r.modelCalls()).as(as).isBetween(whole.modelCalls() - slack, whole.modelCalls() + slack);
            assertThat(beforeKill).as(as).isPositive();
        }
        assertThat(killsWithSeveralPending).isGreaterThan(3);
    }

    @Test
    void aBudgetSpentWithProposalsInFlightEndsTheRunWithTheBudgetAsReasonAndASavedState() throws Exception {
        RuleWorld.Target target = new RuleWorld.Target(0);
        EngineRun ctx = RuleWorld.context(RuleWorld.twoPrompts(), target, 60, SEED);
        OptimizerOutcome out;
        try (OrderedExecutor ex = new OrderedExecutor(OrderedExecutor.Order.RANDOM, 2)) {
            out = ctx.optimize(new Gepa(Gepa.options().reflectionModel(new RuleWorld.Reflector(1, 1)).parallelProposals(4)
                    .proposalExecutor(ex)));
        }
        assertThat(out.stopReason().kind()).isEqualTo(dev.promptopt.StopReason.Kind.METRIC_CALLS);
        // every batch is checked against the budget left before it starts, counting the batch: never over
        assertThat(ctx.metricCalls()).isLessThanOrEqualTo(60);
        JsonNode saved = EngineRun.MAPPER.readTree(ctx.lastSavedState);
        // the stop is seen either inside a proposal's batch ("stopped": the others' finished steps are saved) or
        // before the next proposal starts, the ones in flight then finishing and folding: timing decides which
        assertThat(saved.get("lastStep").asText()).isIn("stopped", "validation", "rejected", "skipped", "unvalidated");
        assertThat(saved.get("candidates").size()).isEqualTo(out.candidates().size());
    }

    @Test
    void aReflectionThatFailsAfterItsRetriesGivesUpOnlyItsProposal() {
        RuleWorld.Reflector good = new RuleWorld.Reflector(1);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        dev.promptopt.LanguageModel flaky = new dev.promptopt.LanguageModel() {
            @Override
            public String name() {
                return "scripted:/flaky";
            }

            @Override
            public dev.promptopt.ModelResponse chat(List<dev.promptopt.ChatMessage> messages) {
                if (calls.incrementAndGet() == 1) { // proposal 1's reflection (FIFO: it runs first)
                    throw dev.promptopt.ModelException.retriable("HTTP 503 after 5 attempts");
                }
                return good.chat(messages);
            }
        };
        EngineRun ctx = RuleWorld.context(RuleWorld.onePrompt(), new RuleWorld.Target(0), 2000, SEED);
        OptimizerOutcome out;
        try (OrderedExecutor ex = new OrderedExecutor(OrderedExecutor.Order.FIFO, 0)) {
            out = ctx.optimize(new Gepa(Gepa.options().reflectionModel(flaky).parallelProposals(3).proposalExecutor(ex)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Integer> reasons = (Map<String, Integer>) out.stats(GepaStats.class).orElseThrow().rejectionReasons();
        assertThat(reasons).containsEntry("reflection_failed", 1);
        assertThat(ctx.events).anyMatch(e -> e instanceof dev.promptopt.OptimizationEvent.CandidateRejected r
                && r.iteration() == 1 && r.reason().startsWith("reflection_failed"));
        assertThat(out.candidates().get(out.bestIndex()).score()).isEqualTo(1.0);
    }

    @Test
    void parallelProposalsOutsideOneToSixtyFourFailNamingTheValue() {
        assertThatThrownBy(() -> Gepa.options().parallelProposals(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelProposals").hasMessageContaining("found 0");
        assertThatThrownBy(() -> Gepa.options().parallelProposals(65)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("found 65");
        assertThat(Gepa.options().parallelProposals(4).describe()).containsEntry("parallelProposals", 4);
        assertThat(Gepa.options().describe()).doesNotContainKey("parallelProposals");
    }

    @Test
    void withNoSpeculativeEvaluationAProposalDroppedAsStaleNeverEvaluatedItsChildAndTheRunIsTheSame() {
        Setup first = new Setup();
        OptimizerOutcome expected = run(first, 4, OrderedExecutor.Order.FIFO, 0);
        // Without the limit some proposal dropped as stale had already evaluated its child: the limit has work to do.
        List<OptimizationEvent> lifo = new ArrayList<>();
        Setup unlimited = new Setup();
        try (OrderedExecutor ex = new OrderedExecutor(OrderedExecutor.Order.LIFO, 0)) {
            unlimited.ctx.optimize(new Gepa(Gepa.options().merge(true).reflectionModel(unlimited.reflector)
                    .parallelProposals(4).speculativeEvaluations(3).proposalExecutor(ex)));
        }
        lifo.addAll(unlimited.ctx.events);
        assertThat(staleWithChildEvaluated(lifo)).as("stale proposals that evaluated their child, no limit").isPositive();

        List<OptimizerOutcome> limited = new ArrayList<>();
        List<Setup> setups = new ArrayList<>();
        for (OrderedExecutor.Order order : OrderedExecutor.Order.values()) {
            for (long orderSeed = 0; orderSeed < (order == OrderedExecutor.Order.RANDOM ? 4 : 1); orderSeed++) {
                Setup s = new Setup();
                try (OrderedExecutor ex = new OrderedExecutor(order, orderSeed)) {
                    // one thread runs every proposal's task: a proposal waiting for its turn must not hold it
                    limited.add(s.ctx.optimize(new Gepa(Gepa.options().merge(true).reflectionModel(s.reflector)
                            .parallelProposals(4).speculativeEvaluations(0).proposalExecutor(ex))));
                }
                setups.add(s);
            }
        }
        for (int i = 0; i < limited.size(); i++) {
            OptimizerOutcome o = limited.get(i);
            assertThat(Kept.of(o)).isEqualTo(Kept.of(expected));
            assertThat(o.stopReason()).isEqualTo(expected.stopReason());
            assertThat(staleWithChildEvaluated(setups.get(i).ctx.events)).as("run " + i).isZero();
            assertThat(o.stats(GepaStats.class).orElseThrow().proposalsDropped()).as("run " + i).isPositive();
        }
    }

    @Test
    void proposalsStartFromAWinnersChildWhileItIsValidatedAndKeepTheirPlaceOnlyWhenTheFrontDrawsIt() {
        Setup first = new Setup();
        OptimizerOutcome expected = run(first, 4, OrderedExecutor.Order.FIFO, 0);
        assertThat(startedBeforeTheirParentJoined(first.ctx.events)).as("proposals started during validation")
                .isPositive();
        long drawnElsewhere = first.ctx.events.stream().filter(e -> e instanceof OptimizationEvent.CandidateRejected r
                && r.reason().startsWith("stale: its parent was drawn from the front")).count();
        assertThat(drawnElsewhere).as("proposals whose parent draw fell on another candidate").isPositive();
        for (long orderSeed = 1; orderSeed <= 3; orderSeed++) {
            Setup s = new Setup();
            OptimizerOutcome o = run(s, 4, OrderedExecutor.Order.RANDOM, orderSeed);
            assertThat(Kept.of(o)).isEqualTo(Kept.of(expected));
            assertThat(s.ctx.events.stream().filter(e -> e instanceof OptimizationEvent.CandidateRejected r
                    && r.reason().startsWith("stale: its parent was drawn from the front")).count())
                    .isEqualTo(drawnElsewhere);
        }

        // Off: every proposal starts after its parent joined the pool, and the run is the same whatever the order.
        List<OptimizerOutcome> off = new ArrayList<>();
        for (OrderedExecutor.Order order : OrderedExecutor.Order.values()) {
            Setup s = new Setup();
            try (OrderedExecutor ex = new OrderedExecutor(order, 5)) {
                off.add(s.ctx.optimize(new Gepa(Gepa.options().merge(true).reflectionModel(s.reflector)
                        .parallelProposals(4).proposeDuringValidation(false).proposalExecutor(ex))));
            }
            assertThat(startedBeforeTheirParentJoined(s.ctx.events)).as(order.name()).isZero();
        }
        assertThat(Kept.of(off.get(1))).isEqualTo(Kept.of(off.get(0)));
        assertThat(Kept.of(off.get(2))).isEqualTo(Kept.of(off.get(0)));
        assertThat(Gepa.options().parallelProposals(4).describe()).containsEntry("proposeDuringValidation", true);
    }

    @Test
    void aRunKilledWhileAProposalRanAheadOfItsParentsValidationResumesToTheSameRun() throws Exception {
        // The gate holds every validation of a candidate other than the seed until a proposal started from that
        // candidate has saved its parent's minibatch: so the kill always comes while that proposal runs ahead.
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        RuleWorld.Target target = new RuleWorld.Target(0);
        PromptSet seed = RuleWorld.twoPrompts();
        dev.promptopt.PredictFn plain = RuleWorld.predict(target);
        dev.promptopt.PredictFn gated = (inputs, prompts) -> {
            if (RuleWorld.VAL_WORDS.contains(String.valueOf(inputs.get("word"))) && !prompts.equals(seed)) {
                assertThat(gate.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("the gate opened").isTrue();
            }
            return plain.predict(inputs, prompts);
        };
        EngineRun killed = new EngineRun(seed, gated, 5000, SEED);
        killed.maxConcurrency = 16; // a validation waiting at the gate leaves permits for the minibatches
        killed.killWhenSaved = state -> {
            for (JsonNode pending : state.get("inFlight")) {
                if (!pending.path("baseIteration").isNull() && !pending.path("baseIteration").isMissingNode()
                        && !pending.path("parentScores").isNull()
                        && !pending.path("parentScores").isMissingNode()) {
                    gate.countDown();
                    return true;
                }
            }
            return false;
        };
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(1, 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            assertThatThrownBy(() -> killed.optimize(new Gepa(Gepa.options().reflectionModel(reflector)
                    .parallelProposals(4).proposalExecutor(pool)))).satisfies(EngineRun::assertKilled);
            assertThat(gate.getCount()).as("killed with a proposal ahead of its parent's validation").isZero();
            OptimizerOutcome resumed = killed.resumed().optimize(new Gepa(Gepa.options().reflectionModel(reflector)
                    .parallelProposals(4).proposalExecutor(pool)));

            EngineRun whole = new EngineRun(seed, plain, 5000, SEED);
            OptimizerOutcome expected;
            try (OrderedExecutor ex = new OrderedExecutor(OrderedExecutor.Order.FIFO, 0)) {
                expected = whole.optimize(new Gepa(Gepa.options().reflectionModel(new RuleWorld.Reflector(1, 1))
                        .parallelProposals(4).proposalExecutor(ex)));
            }
            assertThat(Kept.of(resumed)).isEqualTo(Kept.of(expected));
            assertThat(resumed.bestIndex()).isEqualTo(expected.bestIndex());
            assertThat(resumed.stopReason()).isEqualTo(expected.stopReason());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reflective proposals that started before the candidate they were proposed from joined the pool. */
    private static long startedBeforeTheirParentJoined(List<OptimizationEvent> events) {
        Map<Integer, Integer> started = new java.util.HashMap<>();
        Map<Integer, Integer> joined = new java.util.HashMap<>(); // candidate index -> event position
        for (int i = 0; i < events.size(); i++) {
            OptimizationEvent e = events.get(i);
            if (e instanceof OptimizationEvent.IterationStarted s) {
                started.put(s.iteration(), i);
            } else if (e instanceof OptimizationEvent.CandidateAccepted a) {
                joined.put(a.candidateIndex(), i);
            }
        }
        long early = 0;
        for (OptimizationEvent e : events) {
            if (e instanceof OptimizationEvent.CandidateProposed p && p.parents().size() == 1
                    && started.get(p.iteration()) < joined.get(p.parents().get(0))) {
                early++;
            }
        }
        return early;
    }

    @Test
    void speculativeEvaluationsOutsideZeroToSixtyThreeFailNamingTheValue() {
        assertThatThrownBy(() -> Gepa.options().speculativeEvaluations(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("speculativeEvaluations").hasMessageContaining("found -1");
        assertThatThrownBy(() -> Gepa.options().speculativeEvaluations(64)).hasMessageContaining("found 64");
        assertThat(Gepa.options().parallelProposals(4).speculativeEvaluations(1).describe())
                .containsEntry("speculativeEvaluations", 1);
    }

    /** Proposals rejected as stale after both their minibatch evaluations (the parent's and the child's). */
    private static long staleWithChildEvaluated(List<OptimizationEvent> events) {
        Map<Integer, Integer> minibatches = new java.util.HashMap<>();
        Set<Integer> stale = new HashSet<>();
        for (OptimizationEvent e : events) {
            if (e instanceof OptimizationEvent.CandidateEvaluated c && c.phase().equals("minibatch")) {
                minibatches.merge(c.iteration(), 1, Integer::sum);
            } else if (e instanceof OptimizationEvent.CandidateRejected r && r.reason().startsWith("stale")) {
                stale.add(r.iteration());
            }
        }
        return stale.stream().filter(i -> minibatches.getOrDefault(i, 0) >= 2).count();
    }

    private static boolean proposalsOverlapped(List<OptimizationEvent> events) {
        Set<Integer> open = new HashSet<>();
        boolean overlapped = false;
        for (OptimizationEvent e : events) {
            if (e instanceof OptimizationEvent.IterationStarted s) {
                open.add(s.iteration());
                overlapped |= open.size() > 1;
            } else if (e instanceof OptimizationEvent.CandidateAccepted a) {
                open.remove(a.iteration());
            } else if (e instanceof OptimizationEvent.CandidateRejected r) {
                open.remove(r.iteration());
            }
        }
        return overlapped;
    }
}
