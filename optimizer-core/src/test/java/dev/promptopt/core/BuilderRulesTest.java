package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptConstraints;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptSet;
import dev.promptopt.RunTracker;
import dev.promptopt.Scorer;
import dev.promptopt.core.cost.UsageMeter;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The builders own no shared state with what they build; each single-valued option is given once. */
class BuilderRulesTest {
    private static final Dataset DATA = Dataset.of("train", List.of(
            Example.of("a", Map.of("text", "I love it"), "positive"),
            Example.of("b", Map.of("text", "I hate it"), "negative")));
    private static final PredictFn PREDICT = (inputs, prompts) ->
            QuickStartTest.TARGET.chat(prompts.get("sentiment").format(inputs)).text().toLowerCase();

    @TempDir
    Path dir;

    private PromptOptimizer.Builder setup() {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify.\nText: {{text}}");
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1").predictFn(PREDICT)
                .trainData(DATA).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Answer with one word.")))
                .budget(Budget.metricCalls(50)).runDirectory(dir);
    }

    @Test
    void changingTheBuilderAfterBuildNeverReachesTheBuiltRun() {
        AtomicInteger lateScorerCalls = new AtomicInteger();
        AtomicInteger lateListenerEvents = new AtomicInteger();
        PromptOptimizer.Builder builder = setup();
        PromptOptimizer built = builder.build();

        builder.scorers(Scorer.of("late", (example, output) -> {
            lateScorerCalls.incrementAndGet();
            return Feedback.of(1.0, "late");
        }));
        builder.listener(event -> lateListenerEvents.incrementAndGet());
        builder.prompts("prompts:/sentiment/99");
        builder.maxPromptChars(3);

        OptimizationResult result = built.run();

        assertThat(result.initialScores()).containsOnlyKeys("exact_match");
        assertThat(result.finalScore()).isEqualTo(1.0);
        assertThat(lateScorerCalls).hasValue(0);
        assertThat(lateListenerEvents).hasValue(0);
    }

    @Test
    void buildCanBeCalledAgainForAnIndependentRun() {
        AtomicInteger firstListener = new AtomicInteger();
        AtomicInteger secondListener = new AtomicInteger();
        PromptOptimizer.Builder builder = setup().listener(event -> {
            if (event instanceof OptimizationEvent.RunStarted) {
                firstListener.incrementAndGet();
            }
        });
        PromptOptimizer first = builder.build();
        builder.listener(event -> {
            if (event instanceof OptimizationEvent.RunStarted) {
                secondListener.incrementAndGet();
            }
        });
        PromptOptimizer second = builder.build();

        OptimizationResult a = first.run();
        OptimizationResult b = second.run();

        assertThat(a.runId()).isNotEqualTo(b.runId());
        assertThat(a.finalScore()).isEqualTo(b.finalScore());
        assertThat(firstListener).as("the first listener is in both runs").hasValue(2);
        assertThat(secondListener).as("the second listener only in the run built after it was added").hasValue(1);
    }

    static Stream<Arguments> singleValuedOptions() {
        PromptRegistry registry = PromptRegistry.inMemory();
        return Stream.of(
                option("registry", b -> b.registry(registry)),
                option("predictFn", b -> b.predictFn(PREDICT)),
                option("trainData", b -> b.trainData(DATA)),
                option("validationData", b -> b.validationData(DATA)),
                option("aggregation", b -> b.aggregation(dev.promptopt.Aggregation.mean())),
                option("optimizer", b -> b.optimizer(new HillClimbOptimizer("sentiment", List.of()))),
                option("budget", b -> b.budget(Budget.metricCalls(10))),
                option("maxConcurrency", b -> b.maxConcurrency(2)),
                option("randomSeed", b -> b.randomSeed(7)),
                option("runDirectory", b -> b.runDirectory(Path.of("elsewhere"))),
                option("runId", b -> b.runId("r1")),
                option("resume", b -> b.resume("r1")),
                option("tracker", b -> b.tracker(RunTracker.none())),
                option("tracePredictions", b -> b.tracePredictions(false)),
                option("experiment", b -> b.experiment("e")),
                option("registerOnlyIfImproved", b -> b.registerOnlyIfImproved(false)),
                option("costSource", b -> b.costSource(() -> 0.0)),
                option("usageMeter", b -> b.usageMeter(new UsageMeter())),
                option("hedging", b -> b.hedging(Hedging.atPercentile(0.95))),
                option("maxPromptChars", b -> b.maxPromptChars(100)),
                option("constraints", b -> b.constraints(PromptConstraints.none())),
                option("allowConstantPrompt", PromptOptimizer.Builder::allowConstantPrompt),
                option("nanoClock", b -> b.nanoClock(System::nanoTime)));
    }

    private static Arguments option(String name, Consumer<PromptOptimizer.Builder> set) {
        return Arguments.of(name, set);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleValuedOptions")
    void aSingleValuedOptionSetTwiceIsNamed(String name, Consumer<PromptOptimizer.Builder> set) {
        PromptOptimizer.Builder builder = PromptOptimizer.builder();
        set.accept(builder);
        assertThatThrownBy(() -> set.accept(builder)).isInstanceOf(IllegalStateException.class)
                .hasMessage(name + " was already set");
    }

    @Test
    void multiValuedOptionsAddUp() {
        OptimizationResult r = setup().scorers(Scorer.of("always", (example, output) -> Feedback.of(1.0, "ok")))
                .listener(event -> { }).listener(event -> { }).run();
        assertThat(r.initialScores()).containsOnlyKeys("exact_match", "always");
    }

    @Test
    void aCostSourceAndAUsageMeterTogetherAreRefusedEitherWay() {
        assertThatThrownBy(() -> PromptOptimizer.builder().usageMeter(new UsageMeter()).costSource(() -> 1.0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("costSource was already set by usageMeter");
        assertThatThrownBy(() -> PromptOptimizer.builder().costSource(() -> 1.0).usageMeter(new UsageMeter()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("costSource was already set");
    }

    @Test
    void wholeConstraintsAndTheirPiecesAreRefusedTogether() {
        assertThatThrownBy(() -> PromptOptimizer.builder().lockedSection("p", "x").constraints(PromptConstraints.none()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("lockedSection/maxPromptChars were already set");
        assertThatThrownBy(() -> PromptOptimizer.builder().constraints(PromptConstraints.none()).maxPromptChars(5))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("constraints was already set");
        assertThat(PromptOptimizer.builder().lockedSection("p", "x").lockedSection("p", "y")).isNotNull();
    }

    @Test
    void badValuesAreIllegalArgumentsNamingTheValue() {
        assertThatThrownBy(() -> PromptOptimizer.builder().maxConcurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConcurrency").hasMessageContaining("found 0");
        assertThatThrownBy(() -> PromptOptimizer.builder().runId("../x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../x'");
        assertThatThrownBy(() -> PromptOptimizer.builder().maxPromptChars(-4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("found -4");
        assertThatThrownBy(() -> PromptOptimizer.builder().experiment(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("found \" \"");
        assertThatThrownBy(() -> PromptOptimizer.builder().lockedSection("p", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prompt 'p'");
    }

    @Test
    void aBadValueDoesNotCountAsSet() {
        PromptOptimizer.Builder builder = PromptOptimizer.builder();
        assertThatThrownBy(() -> builder.maxConcurrency(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(builder.maxConcurrency(4)).isSameAs(builder);
    }

    @Test
    void anEvaluationNamesAnOptionSetTwice() {
        PromptSet prompts = PromptSet.of(Map.of("sentiment", dev.promptopt.PromptTemplate.text("Classify.\nText: {{text}}")));
        assertThatThrownBy(() -> Evaluation.of(PREDICT).data(DATA).data(DATA))
                .isInstanceOf(IllegalStateException.class).hasMessage("data was already set");
        assertThatThrownBy(() -> Evaluation.of(PREDICT).prompts(prompts).prompts(prompts))
                .isInstanceOf(IllegalStateException.class).hasMessage("prompts was already set");
        assertThatThrownBy(() -> Evaluation.of(PREDICT).maxConcurrency(2).maxConcurrency(3))
                .isInstanceOf(IllegalStateException.class).hasMessage("maxConcurrency was already set");
        assertThatThrownBy(() -> Evaluation.of(PREDICT).aggregation(dev.promptopt.Aggregation.mean())
                .aggregation(dev.promptopt.Aggregation.mean()))
                .isInstanceOf(IllegalStateException.class).hasMessage("aggregation was already set");
        assertThatThrownBy(() -> Evaluation.of(PREDICT).maxConcurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("found 0");
    }

    @Test
    void anEvaluationRunsAgainWithScorersAddedSince() {
        PromptSet prompts = PromptSet.of(Map.of("sentiment", dev.promptopt.PromptTemplate.text("Answer with one word.\nText: {{text}}")));
        Evaluation evaluation = Evaluation.of(PREDICT).data(DATA).prompts(prompts).scorers(Scorers.exactMatch());
        EvaluationResult first = evaluation.run();
        evaluation.scorers(Scorer.of("always", (example, output) -> Feedback.of(1.0, "ok")));
        EvaluationResult second = evaluation.run();
        assertThat(first.metrics()).containsOnlyKeys("exact_match");
        assertThat(second.metrics()).containsOnlyKeys("exact_match", "always");
    }
}
