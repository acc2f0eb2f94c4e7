package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.StopReason;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.report.HtmlReport;
import dev.promptopt.report.Timeline;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parallel proposals through the real engine (its one concurrency limit, budget, cache and checkpoints). */
class GepaParallelIntegrationTest {

    @Test
    void fourProposalsInFlightLearnTheRulesThroughTheEngineAndTheReportShowsThemOverlapping(@TempDir Path dir)
            throws Exception {
        RuleWorld.Target target = new RuleWorld.Target(0);
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("task", RuleWorld.onePrompt().get("task"));
        Timeline timeline = Timeline.start();

        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry)
                .prompts("prompts:/task/1")
                .predictFn(RuleWorld.predict(target))
                .trainData(RuleWorld.train())
                .validationData(RuleWorld.validation())
                .scorers(RuleWorld.SCORER)
                .optimizer(new Gepa(Gepa.options().reflectionModel(new RuleWorld.Reflector(1)).maxMetricCalls(400)
                        .parallelProposals(4)))
                .maxConcurrency(4)
                .randomSeed(42)
                .runDirectory(dir)
                .listener(timeline)
                .run();

        assertThat(result.finalScore()).isEqualTo(1.0);
        assertThat(result.stopReason().kind()).isEqualTo(StopReason.Kind.COMPLETED);
        assertThat(result.optimizerStats(GepaStats.class).orElseThrow().parallelProposals()).isEqualTo(4);
        // the engine's cache: every (candidate, example) pair was called once, whichever proposal asked first
        assertThat((long) target.calls.get()).isEqualTo(result.metricCalls());
        assertThat(timeline.maxInFlight()).isGreaterThan(1);
        assertThat(HtmlReport.of(result).withTimeline(timeline).render())
                .contains("Score versus wall time", "Proposals in flight");
        // the report every run writes has the wall-time views too
        Path page;
        try (var files = java.nio.file.Files.walk(dir)) {
            page = files.filter(f -> f.getFileName().toString().equals(HtmlReport.FILE_NAME)).findFirst().orElseThrow();
        }
        assertThat(java.nio.file.Files.readString(page)).contains("Score versus wall time", "Proposals in flight");
    }
}
