package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizerOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hedged reflection calls: a reflection still unanswered past the percentile of the recent ones gets a second
 * request, and a reflection fails only when every request failed. (That the first answer wins and the loser's is
 * dropped is {@code HedgeRaceTest}'s.) The slow request here
 * is held by a latch until its hedge arrives, so the outcome never depends on how fast the machine is.
 */
class GepaReflectionHedgingTest {
    private static final long SEED = 5;

    /**
     * The reflector of the rule task, answering the same prompt always the same way (so a hedged request changes
     * nothing), and rewording without a rule for the first {@value #REWORDINGS} prompts (so the run is long enough
     * to time {@code HedgedReflections.MIN_SAMPLES} reflections first). The first request of the
     * {@code slowReflection}-th distinct prompt waits until a second request with that prompt arrives (its hedge),
     * then fails; with {@code failBoth} every hedge of it fails too. Requests are told apart by prompt, not by number:
     * with a fast model other reflections may be hedged too, which changes nothing.
     */
    private static final class Reflector implements LanguageModel {
        static final int REWORDINGS = 6;
        final RuleWorld.Reflector rules = new RuleWorld.Reflector(1);
        final Map<String, String> answers = new ConcurrentHashMap<>();
        /** Prompt -> its number in the order first seen. */
        private final Map<String, Integer> numbers = new ConcurrentHashMap<>();
        final CountDownLatch hedgeArrived = new CountDownLatch(1);
        final CountDownLatch slowReturned = new CountDownLatch(1);
        final int slowReflection;
        final boolean failBoth;
        private String slowPrompt;

        Reflector(int slowReflection, boolean failBoth) {
            this.slowReflection = slowReflection;
            this.failBoth = failBoth;
        }

        @Override
        public String name() {
            return rules.name();
        }

        @Override
        public ModelResponse chat(List<ChatMessage> messages) {
            String prompt = messages.get(messages.size() - 1).content();
            boolean slow;
            boolean hedgeOfSlow;
            int n;
            synchronized (this) {
                slow = !numbers.containsKey(prompt) && numbers.size() + 1 == slowReflection;
                n = numbers.computeIfAbsent(prompt, p -> numbers.size() + 1);
                if (slow) {
                    slowPrompt = prompt;
                }
                hedgeOfSlow = !slow && prompt.equals(slowPrompt);
            }
            if (slow) {
                return slowRequest();
            }
            if (hedgeOfSlow) {
                hedgeArrived.countDown();
                if (failBoth) {
                    throw ModelException.retriable("the hedge failed too");
                }
            }
            return ModelResponse.of(answers.computeIfAbsent(prompt, p -> n <= REWORDINGS
                    ? "Here is the improved instruction:\n```text\nRules, reworded " + n + ":\n```\n"
                    : rules.chat(messages).text()));
        }

        private ModelResponse slowRequest() {
            try {
                if (!hedgeArrived.await(60, TimeUnit.SECONDS)) {
                    throw new AssertionError("no second request came for the slow reflection");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                slowReturned.countDown();
            }
            // It fails rather than answering: an answer here would race the hedge's, and which arrives first is timing.
            throw ModelException.retriable("the slow request failed after its hedge was sent");
        }
    }

    private static OptimizerOutcome run(LanguageModel reflector, Double hedging) {
        EngineRun ctx = RuleWorld.context(RuleWorld.twoPrompts(), new RuleWorld.Target(0), 5000, SEED);
        GepaOptions o = Gepa.options().reflectionModel(reflector);
        return ctx.optimize(new Gepa(hedging == null ? o : o.reflectionHedging(hedging)));
    }

    @Test
    void aSlowReflectionGetsASecondRequestAndTheRunGoesOnFromItsAnswerAsIfNothingWasSlow() {
        OptimizerOutcome plain = run(new Reflector(-1, false), null);
        assertThat(plain.stats(GepaStats.class).orElseThrow().hedgedReflections()).isZero();

        Reflector reflector = new Reflector(7, false);
        OptimizerOutcome hedged = run(reflector, 0.5);

        assertThat(reflector.hedgeArrived.getCount()).as("the slow reflection was hedged").isZero();
        assertThat(reflector.slowReturned.getCount()).as("the slow request returned").isZero();
        assertThat(hedged.stats(GepaStats.class).orElseThrow().hedgedReflections()).isPositive();
        assertThat(hedged.stats(GepaStats.class).orElseThrow().options()).containsEntry("reflectionHedging", 0.5);
        assertThat(hedged.stats(GepaStats.class).orElseThrow().rejectionReasons())
                .as("the slow request's failure gave up nothing").doesNotContainKey("reflection_failed");
        assertThat(GepaParallelTest.Kept.of(hedged)).as("the hedge's answer is the one the run went on from")
                .isEqualTo(GepaParallelTest.Kept.of(plain));
    }

    @Test
    void aHedgedReflectionFailsOnlyWhenEveryRequestFailedAndThenOnlyItsProposalIsGivenUp() {
        Reflector reflector = new Reflector(7, true);
        EngineRun ctx = RuleWorld.context(RuleWorld.twoPrompts(), new RuleWorld.Target(0), 5000, SEED);
        OptimizerOutcome out = ctx.optimize(new Gepa(Gepa.options().reflectionModel(reflector).reflectionHedging(0.5)));

        assertThat(reflector.hedgeArrived.getCount()).isZero();
        GepaStats stats = out.stats(GepaStats.class).orElseThrow();
        assertThat(stats.rejectionReasons()).containsEntry("reflection_failed", 1);
        assertThat(ctx.events).filteredOn(OptimizationEvent.CandidateRejected.class::isInstance)
                .map(e -> ((OptimizationEvent.CandidateRejected) e).reason())
                .anyMatch(r -> r.startsWith("reflection_failed") && r.contains("failed"));
        assertThat(out.candidates().size()).as("the run went on after the failed reflection").isGreaterThan(2);
    }
}
