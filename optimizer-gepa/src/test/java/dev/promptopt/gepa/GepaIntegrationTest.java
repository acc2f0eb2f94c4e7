package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.StopReason;
import dev.promptopt.core.PromptOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GEPA through the real engine: {@code PromptOptimizer.builder()...optimizer(new Gepa(...)).run()}. */
class GepaIntegrationTest {

    private static PromptRegistry registry() {
        PromptRegistry r = PromptRegistry.inMemory();
        r.register("task", RuleWorld.onePrompt().get("task"));
        return r;
    }

    private static PromptOptimizer.Builder builder(PromptRegistry registry, RuleWorld.Target target, LanguageModel reflector,
                                                   Path runs) {
        return PromptOptimizer.builder()
                .registry(registry)
                .prompts("prompts:/task/1")
                .predictFn(RuleWorld.predict(target))
                .trainData(RuleWorld.train())
                .validationData(RuleWorld.validation())
                .scorers(RuleWorld.SCORER)
                .optimizer(new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(300)))
                .maxConcurrency(4)
                .randomSeed(42)
                .runDirectory(runs);
    }

    @Test
    void gepaLearnsTheRulesThroughTheEngineAndRegistersTheResult(@TempDir Path dir) {
        RuleWorld.Target target = new RuleWorld.Target(0);
        RuleWorld.Reflector reflector = new RuleWorld.Reflector(1);
        PromptRegistry registry = registry();
        List<OptimizationEvent> events = new CopyOnWriteArrayList<>();

        OptimizationResult result = builder(registry, target, reflector, dir).listener(events::add).runId("r1").run();

        assertThat(result.initialScore()).isEqualTo(0.0);
        assertThat(result.finalScore()).isEqualTo(1.0);
        assertThat(result.stopReason().kind()).isEqualTo(StopReason.Kind.COMPLETED);
        assertThat(result.metricCalls()).isLessThanOrEqualTo(300);
        assertThat(result.optimizedPrompts()).singleElement()
                .satisfies(v -> assertThat(v.uri()).isEqualTo("prompts:/task/2"));
        assertThat(RuleWorld.rules(registry.load("prompts:/task/2").template().text()))
                .containsExactlyInAnyOrder("fruit", "animal", "color", "city");
        assertThat(result.candidates().get(0).origin()).isEqualTo("seed");
        assertThat(result.optimizerStats(GepaStats.class)).hasValueSatisfying(s -> assertThat(s.fullValidations()).isPositive());
        // the seed's validation is the engine's baseline, served from its cache
        assertThat((long) target.calls.get()).isEqualTo(result.metricCalls());
        assertThat(events).anyMatch(e -> e instanceof OptimizationEvent.CandidateAccepted a && a.newBest() && a.score() == 1.0);
    }

    @Test
    void aRunKilledDuringReflectionResumesThroughTheEngineWithoutRepeatingACall(@TempDir Path dir) {
        RuleWorld.Target straightTarget = new RuleWorld.Target(0);
        AtomicInteger straightReflections = new AtomicInteger();
        OptimizationResult straight = builder(registry(), straightTarget,
                new CrashingModel(new RuleWorld.Reflector(1), -1, straightReflections), dir.resolve("a"))
                .runId("straight").run();

        for (int crashAt = 1; crashAt <= 4; crashAt++) {
            RuleWorld.Target target = new RuleWorld.Target(0);
            AtomicInteger reflections = new AtomicInteger();
            PromptRegistry registry = registry();
            Path runs = dir.resolve("b" + crashAt);
            int at = crashAt;
            assertThatThrownBy(() -> builder(registry, target,
                    new CrashingModel(new RuleWorld.Reflector(1), at, reflections), runs).runId("killed").run())
                    .hasMessageContaining("simulated crash at reflection call " + at);

            OptimizationResult resumed = builder(registry, target,
                    new CrashingModel(new RuleWorld.Reflector(1), -1, reflections), runs).resume("killed").run();

            assertThat(target.calls.get()).as("target calls, crash at %d", at).isEqualTo(straightTarget.calls.get());
            assertThat(reflections.get()).as("reflection calls, crash at %d", at).isEqualTo(straightReflections.get());
            assertThat(resumed.candidates()).isEqualTo(straight.candidates());
            assertThat(resumed.bestTemplates()).isEqualTo(straight.bestTemplates());
            assertThat(resumed.metricCalls()).isEqualTo(straight.metricCalls());
        }
    }

    @Test
    void theEngineReportsTheTooSmallBudgetWarningAndStillRuns(@TempDir Path dir) {
        RuleWorld.Target target = new RuleWorld.Target(0);
        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry())
                .prompts("prompts:/task/1")
                .predictFn(RuleWorld.predict(target))
                .trainData(RuleWorld.train())
                .validationData(RuleWorld.validation())
                .scorers(RuleWorld.SCORER)
                .optimizer(new Gepa(Gepa.options().reflectionModel(new RuleWorld.Reflector(1)).maxMetricCalls(10)))
                .runDirectory(dir)
                .run();

        assertThat(result.metricCalls()).isLessThanOrEqualTo(10 + 3);
        assertThat(result.bestCandidate()).isZero();
        assertThat(result.stopReason().kind()).isEqualTo(StopReason.Kind.METRIC_CALLS);
    }
}
