package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Aggregation;
import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.OptimizationContext;
import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.Scorer;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every setup mistake is reported before a single call, naming the prompt, example and field. */
class PromptOptimizerValidationTest {
    private final AtomicInteger calls = new AtomicInteger();
    private final PredictFn predict = (inputs, prompts) -> {
        calls.incrementAndGet();
        return "positive";
    };
    @TempDir
    Path dir;

    private PromptOptimizer.Builder valid() {
        return valid(null, null, null, null);
    }

    /** A valid setup; each non-null argument replaces its default (an option is set once per builder). */
    private PromptOptimizer.Builder valid(PromptRegistry registry, Dataset train, Optimizer optimizer, Budget budget) {
        if (registry == null) {
            registry = PromptRegistry.inMemory();
            registry.register("sentiment", "Classify.\nText: {{text}}");
            registry.register("style", "Write like {{persona}}.");
        }
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1").predictFn(predict)
                .trainData(train != null ? train : Dataset.of("train", List.of(Example.of("a", Map.of("text", "I love it"), "positive"),
                        Example.of("b", Map.of("text", "meh"), "neutral"))))
                .scorers(Scorers.exactMatch())
                .optimizer(optimizer != null ? optimizer : new HillClimbOptimizer("sentiment", List.of("x")))
                .budget(budget != null ? budget : Budget.metricCalls(50)).runDirectory(dir);
    }

    private void assertRejected(UnaryOperator<PromptOptimizer.Builder> change, String... fragments) {
        assertRejected(change.apply(valid()), fragments);
    }

    private void assertRejected(PromptOptimizer.Builder setup, String... fragments) {
        assertThatThrownBy(setup::run)
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
        assertThat(calls.get()).as("no call before validation passes").isZero();
    }

    @Test
    void theValidSetupRuns() {
        assertThat(valid().run().initialScore()).isEqualTo(0.5);
    }

    @Test
    void anUnknownPromptVersionIsNamed() {
        assertRejected(b -> b.prompts("prompts:/sentiment/7"), "prompt 'sentiment' has no version 7");
    }

    @Test
    void anUnknownPromptIsNamed() {
        assertRejected(b -> b.prompts("prompts:/missing/1"), "no prompt 'missing'");
    }

    @Test
    void anInvalidPromptNameIsNamed() {
        assertRejected(b -> b.prompts("prompts:/bad name/1"), "invalid prompt name 'bad name'");
    }

    @Test
    void aUriWithoutThePrefixIsRejected() {
        assertRejected(b -> b.prompts("sentiment/1"), "invalid prompt URI 'sentiment/1'", "expected prompts:/<name>/<version>");
    }

    @Test
    void twoVersionsOfOnePromptAreRejected() {
        assertRejected(b -> b.prompts("prompts:/sentiment/1", "prompts:/sentiment@latest-missing"), "no alias 'latest-missing'");
        assertRejected(b -> {
            b.prompts("prompts:/sentiment");
            return b;
        }, "prompts prompts:/sentiment/1 and prompts:/sentiment are both prompt 'sentiment'");
    }

    @Test
    void aTemplateVariableMissingFromAnExampleNamesThePromptExampleAndField() {
        assertRejected(b -> b.prompts("prompts:/style/1"),
                "prompt 'style' (prompts:/style/1) needs an input its data lacks: example 'a'", "inputs lack 'persona'");
    }

    @Test
    void emptyTrainingDataIsRejected() {
        assertRejected(valid(null, Dataset.of("empty", List.of()), null, null), "the training data 'empty' is empty");
    }

    @Test
    void emptyValidationDataIsRejected() {
        assertRejected(b -> b.validationData(Dataset.of("val", List.of())), "the validation data 'val' is empty");
    }

    @Test
    void aScorerNeedingReferenceOutputsNamesTheExampleWithout() {
        assertRejected(valid(null, Dataset.of(List.of(Example.withExpectations("q1", Map.of("text", "x"), Map.of("guideline", "be kind")))), null, null),
                "example 'q1': scorer 'exact_match' needs a reference output");
    }

    @Test
    void aNegativeBudgetIsRejected() {
        assertThatThrownBy(() -> Budget.metricCalls(-5)).isInstanceOf(InvalidInputException.class)
                .hasMessage("budget: max metric calls must be > 0, found -5");
    }

    @Test
    void aMissingBudgetIsRejected() {
        assertRejected(b -> PromptOptimizer.builder().registry(registryWithSentiment()).prompts("prompts:/sentiment/1")
                .predictFn(predict).trainData(Dataset.of(List.of(Example.of("a", Map.of("text", "t"), "positive"))))
                .scorers(Scorers.exactMatch()).optimizer(new HillClimbOptimizer("sentiment", List.of())), "no budget");
    }

    @Test
    void aBudgetSmallerThanTheBaselineIsRejected() {
        assertRejected(valid(null, null, null, Budget.metricCalls(1)),
                "a budget of 1 metric calls cannot pay for the baseline", "takes 2 calls");
    }

    @Test
    void theBuildersBudgetAndTheOptimizersCombineLimitByLimit() {
        Optimizer hill = new HillClimbOptimizer("sentiment", List.of("x"));
        Optimizer withOwnBudget = new Optimizer() {
            @Override
            public String name() {
                return hill.name();
            }

            @Override
            public OptimizerOutcome optimize(OptimizationContext context) {
                return hill.optimize(context);
            }

            @Override
            public java.util.Optional<Budget> budget() {
                return java.util.Optional.of(Budget.metricCalls(40));
            }
        };
        PromptOptimizer p = valid(null, null, withOwnBudget, Budget.wallTime(java.time.Duration.ofMinutes(2))).build();
        assertThat(p.budget()).isEqualTo(new Budget(40L, java.time.Duration.ofMinutes(2), null, null));
        PromptOptimizer q = valid(null, null, withOwnBudget, Budget.metricCalls(30).withCostUsd(2.0))
                .costSource(() -> 0.0).build();
        assertThat(q.budget()).isEqualTo(new Budget(30L, null, null, 2.0));
    }

    @Test
    void concurrencyZeroIsRejected() {
        assertThatThrownBy(() -> valid().maxConcurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConcurrency: expected a whole number from 1 to 1024, found 0");
    }

    @Test
    void duplicateScorerNamesAreRejected() {
        assertRejected(b -> b.scorers(Scorers.exactMatch()), "two scorers are named 'exact_match'");
    }

    @Test
    void missingPiecesAreAllListedAtOnce() {
        assertThatThrownBy(() -> PromptOptimizer.builder().run())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no prompt registry")
                .hasMessageContaining("no prompts to optimize")
                .hasMessageContaining("no predict function")
                .hasMessageContaining("no training data")
                .hasMessageContaining("no scorers")
                .hasMessageContaining("no optimizer")
                .satisfies(e -> assertThat(((InvalidInputException) e).problems()).hasSizeGreaterThanOrEqualTo(6));
    }

    @Test
    void aWeightedAggregationMustWeighEveryScorer() {
        assertRejected(b -> b.scorers(Scorer.of("len", (e, o) -> dev.promptopt.Feedback.pass("ok")))
                .aggregation(Aggregation.weighted(Map.of("exact_match", 1.0, "other", 2.0))),
                "no weight for scorer 'len'", "weighs scorer 'other', which is not among the scorers");
    }

    @Test
    void aNegativeWeightIsRejected() {
        assertThatThrownBy(() -> Aggregation.weighted(Map.of("a", -1.0))).isInstanceOf(InvalidInputException.class)
                .hasMessage("aggregation weight of scorer 'a' must be >= 0, found -1.0");
    }

    @Test
    void resumingAnUnknownRunNamesTheCheckpointPath() {
        assertRejected(b -> b.resume("nope"), "cannot resume run 'nope': no checkpoint at", "checkpoint.json");
    }

    @Test
    void runIdAndResumeTogetherAreRejected() {
        assertRejected(b -> b.runId("a").resume("b"), "both .runId(\"a\") and .resume(\"b\") are set");
    }

    @Test
    void anInvalidRunIdIsRejected() {
        assertThatThrownBy(() -> valid().runId("../escape")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid run id '../escape'");
    }

    @Test
    void resumingWithOtherPromptsIsRefused() {
        valid().runId("r1").run();
        calls.set(0);
        PromptRegistry other = PromptRegistry.inMemory();
        other.register("sentiment", "Something else.\nText: {{text}}");
        assertRejected(valid(other, null, null, null).resume("r1"), "cannot resume run 'r1': it was started from other prompt templates");
    }

    @Test
    void anOptimizerCanRefuseTheRunBeforeAnyCall() {
        Optimizer picky = new Optimizer() {
            @Override
            public String name() {
                return "picky";
            }

            @Override
            public OptimizerOutcome optimize(OptimizationContext context) {
                throw new AssertionError("must not run");
            }

            @Override
            public List<String> validate(OptimizationContext context) {
                return List.of("no reflection model: set reflectionModel(...)");
            }
        };
        assertRejected(valid(null, null, picky, null), "optimizer 'picky' cannot run: no reflection model");
    }

    private static PromptRegistry registryWithSentiment() {
        PromptRegistry r = PromptRegistry.inMemory();
        r.register("sentiment", "Classify.\nText: {{text}}");
        return r;
    }
}
