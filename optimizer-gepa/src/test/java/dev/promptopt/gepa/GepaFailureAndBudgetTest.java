package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.StopReason;
import dev.promptopt.SystemicFailureException;
import dev.promptopt.core.PromptOptimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GEPA through the real engine: failed reflection calls, failed predict calls, and a budget that ends mid-step. */
class GepaFailureAndBudgetTest {

    private static PromptRegistry registry() {
        PromptRegistry r = PromptRegistry.inMemory();
        r.register("task", RuleWorld.onePrompt().get("task"));
        return r;
    }

    private static PromptOptimizer.Builder builder(PromptRegistry registry, LanguageModel target, LanguageModel reflector,
                                                   long maxMetricCalls, Path runs) {
        return PromptOptimizer.builder()
                .registry(registry)
                .prompts("prompts:/task/1")
                .predictFn(RuleWorld.predict(target))
                .trainData(RuleWorld.train())
                .validationData(RuleWorld.validation())
                .scorers(RuleWorld.SCORER)
                .optimizer(new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(maxMetricCalls)))
                .maxConcurrency(4)
                .randomSeed(42)
                .runDirectory(runs);
    }

    /** Decides whether a call fails from its number and how often its prompt was sent before. */
    private interface FailureRule {
        boolean fails(int call, int occurrence, String prompt);
    }

    /** Fails the calls the rule picks, as a model that gave up after its retries. */
    private static final class FailingModel implements LanguageModel {
        final LanguageModel delegate;
        final FailureRule rule;
        final AtomicInteger calls = new AtomicInteger();
        final Map<String, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();

        FailingModel(LanguageModel delegate, IntPredicate fails) {
            this(delegate, (n, occurrence, prompt) -> fails.test(n));
        }

        FailingModel(LanguageModel delegate, FailureRule rule) {
            this.delegate = delegate;
            this.rule = rule;
        }

        @Override
        public String name() {
            return "scripted:/flaky";
        }

        @Override
        public ModelResponse chat(List<ChatMessage> messages) {
            String prompt = messages.get(messages.size() - 1).content();
            if (rule.fails(calls.incrementAndGet(), seen.merge(prompt, 1, Integer::sum), prompt)) {
                throw ModelException.retriable("503 Service Unavailable after 5 attempts");
            }
            return delegate.chat(messages);
        }
    }

    @Test
    void aFailedReflectionCallGivesUpThatProposalNotTheRun(@TempDir Path dir) {
        OptimizationResult straight = builder(registry(), new RuleWorld.Target(0), new RuleWorld.Reflector(1), 300,
                dir.resolve("a")).runId("straight").run();

        FailingModel reflector = new FailingModel(new RuleWorld.Reflector(1), n -> n == 2);
        List<OptimizationEvent> events = new CopyOnWriteArrayList<>();
        OptimizationResult result = builder(registry(), new RuleWorld.Target(0), reflector, 300, dir.resolve("b"))
                .listener(events::add).runId("flaky").run();

        assertThat(result.finalScore()).isEqualTo(straight.finalScore()).isEqualTo(1.0);
        assertThat(result.optimizerStats(GepaStats.class).orElseThrow().rejectionReasons()).isEqualTo(Map.of("reflection_failed", 1));
        assertThat(events).anyMatch(e -> e instanceof OptimizationEvent.CandidateRejected r
                && r.reason().equals("reflection_failed: the reflection model 'scripted:/flaky' failed: "
                + "503 Service Unavailable after 5 attempts"));
    }

    @Test
    void reflectionCallsFailingInARowAreSystemicNameTheModelAndLeaveTheCheckpointToResume(@TempDir Path dir) {
        PromptRegistry registry = registry();
        RuleWorld.Target target = new RuleWorld.Target(0);
        FailingModel down = new FailingModel(new RuleWorld.Reflector(1), n -> true);

        assertThatThrownBy(() -> builder(registry, target, down, 300, dir).runId("r").run())
                .isInstanceOf(SystemicFailureException.class)
                .hasMessage("the run stopped: the reflection model 'scripted:/flaky' failed 3 times in a row; last error: "
                        + "503 Service Unavailable after 5 attempts. The checkpoint is intact: fix the cause and resume the run.");
        assertThat(down.calls.get()).isEqualTo(3);
        assertThat(dir.resolve("r/checkpoint.json")).exists();

        int targetCallsBefore = target.calls.get();
        OptimizationResult resumed = builder(registry, target, new RuleWorld.Reflector(1), 300, dir).resume("r").run();
        assertThat(resumed.finalScore()).isEqualTo(1.0);
        // two proposals were given up; the third reflection, the one that stopped the run, is asked again on resume
        assertThat(resumed.optimizerStats(GepaStats.class).orElseThrow().rejectionReasons()).isEqualTo(Map.of("reflection_failed", 2));
        // the minibatches scored before the failure were journaled: the resumed run did not pay for them again
        assertThat(target.calls.get() - targetCallsBefore).isLessThan((int) resumed.metricCalls());
    }

    @Test
    void failedPredictCallsAreNoScoresAndAreAskedAgainSoTheRunEndsAsAHealthyOne(@TempDir Path dir) {
        OptimizationResult straight = builder(registry(), new RuleWorld.Target(0), new RuleWorld.Reflector(1), 300,
                dir.resolve("a")).runId("straight").run();

        // A third of the prompts fail the first time they are sent, whatever the thread timing (the engine asks
        // a failed example once more within its batch).
        FailingModel target = new FailingModel(new RuleWorld.Target(0),
                (n, occurrence, prompt) -> occurrence == 1 && Math.floorMod(prompt.hashCode(), 3) == 0);
        OptimizationResult result = builder(registry(), target, new RuleWorld.Reflector(1), 300, dir.resolve("b"))
                .runId("flaky").run();

        assertThat(result.bestTemplates()).isEqualTo(straight.bestTemplates());
        assertThat(result.finalScore()).isEqualTo(straight.finalScore());
        assertThat(result.initialScore()).isEqualTo(straight.initialScore());
        assertThat(result.metricCalls()).isEqualTo(straight.metricCalls()); // a failure costs no metric call
        assertThat(result.stats().failedCalls()).isZero();
        assertThat(target.calls.get() - (int) straight.metricCalls()).as("calls asked again").isPositive();
        assertThat(result.stats().failedBaselineExamples()).isEmpty();
        assertThat(result.stats().failedFinalExamples()).isEmpty();
        assertThat(target.calls.get()).isGreaterThan((int) straight.metricCalls());
    }

    @Test
    void examplesThatStillFailAfterTheirAttemptsAreKeptOutOfTheScoresAndAskedAgainAtTheEnd(@TempDir Path dir)
            throws Exception {
        // A fifth of the prompts fail the first two times they are sent: the engine's two attempts both fail, so
        // GEPA sees failed results; the final evaluation asks again and gets them.
        FailingModel target = new FailingModel(new RuleWorld.Target(0),
                (n, occurrence, prompt) -> occurrence <= 2 && Math.floorMod(prompt.hashCode(), 5) == 0);
        OptimizationResult result = builder(registry(), target, new RuleWorld.Reflector(1), 300, dir).runId("r").run();

        assertThat(result.stats().failedCalls()).isPositive();
        assertThat(result.stats().failedBaselineExamples()).isEmpty();
        assertThat(result.stats().failedFinalExamples()).isEmpty();
        // Every score a candidate holds is the true score of that pair (a failure never became a 0), and some
        // candidate lacks a score where its call failed.
        RuleWorld.Target truth = new RuleWorld.Target(0);
        int missing = 0;
        for (var c : result.candidates()) {
            for (var e : RuleWorld.validation()) {
                Double held = c.validationScores().get(e.id());
                if (held == null) {
                    missing++;
                    continue;
                }
                Object output = RuleWorld.predict(truth).predict(e.inputs(), c.templates());
                assertThat(held).as("candidate %d on %s", c.index(), e.id())
                        .isEqualTo(RuleWorld.SCORER.score(e, output).value());
            }
        }
        assertThat(missing).isPositive();
        assertThat(result.finalScore()).isEqualTo(1.0);
    }

    @Test
    void anAcceptedChildWhoseValidationTheBudgetCannotCoverIsReportedAndTheBudgetIsNeverPassed(@TempDir Path dir)
            throws Exception {
        // 8 for the seed's validation, 3 + 3 for the first parent and child minibatches, 7 left: the child's
        // validation needs 8, so it must not start.
        List<OptimizationEvent> events = new CopyOnWriteArrayList<>();
        RuleWorld.Target target = new RuleWorld.Target(0);
        OptimizationResult result = builder(registry(), target, new RuleWorld.Reflector(1), 21, dir)
                .listener(events::add).runId("r").run();

        assertThat(result.metricCalls()).isEqualTo(14).isLessThanOrEqualTo(21);
        assertThat(result.stopReason().kind()).isEqualTo(StopReason.Kind.METRIC_CALLS);
        assertThat(result.stopReason().description())
                .isEqualTo("metric call budget of 21: a batch of 8 new calls does not fit in the 7 left (14 spent)");
        assertThat(events).anyMatch(e -> e instanceof OptimizationEvent.CandidateRejected r
                && r.reason().startsWith("unvalidated: accepted on its minibatch (")
                && r.reason().endsWith("but not validated: metric call budget of 21: a batch of 8 new calls does not "
                + "fit in the 7 left (14 spent)"));
        List<GepaStats.UnvalidatedCandidate> unvalidated = result.optimizerStats(GepaStats.class).orElseThrow()
                .unvalidatedCandidates();
        assertThat(unvalidated).singleElement().satisfies(u -> {
            assertThat(u.iteration()).isEqualTo(1);
            assertThat(u.parents()).containsExactly(0);
            assertThat(u.minibatchScore()).isGreaterThan(u.parentMinibatchScore());
            assertThat(u.templates().toString()).contains("RULE: ");
        });
        assertThat(Files.readString(dir.resolve("r/result.json"))).contains("unvalidatedCandidates");
        // the seed stays (the child was never validated, so it cannot be the result)
        assertThat(result.candidates()).hasSize(1);
    }
}
