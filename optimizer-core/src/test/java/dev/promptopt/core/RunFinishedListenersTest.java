package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.RunTracker;
import dev.promptopt.TrackedRun;
import dev.promptopt.core.report.ReportListener;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report and the tracker's end-of-run summary are written from the typed run-finished event. */
class RunFinishedListenersTest {
    private static final Dataset DATA = Dataset.of("train", List.of(
            Example.of("a", Map.of("text", "I love it"), "positive"),
            Example.of("b", Map.of("text", "I hate it"), "negative"),
            Example.of("c", Map.of("text", "It is Tuesday"), "neutral")));

    @TempDir
    Path dir;

    /** A tracker that keeps what it is told, and can refuse metrics whose name starts with a prefix. */
    static final class RecordingTracker implements RunTracker {
        final Map<String, Double> metrics = Collections.synchronizedMap(new LinkedHashMap<>());
        final List<String> artifacts = Collections.synchronizedList(new ArrayList<>());
        final List<TrackedRun.Status> finished = Collections.synchronizedList(new ArrayList<>());
        final String refused;

        RecordingTracker(String refused) {
            this.refused = refused;
        }

        @Override
        public TrackedRun startRun(String experiment, String runName, Map<String, String> tags) {
            return new TrackedRun() {
                @Override
                public String id() {
                    return "t-" + runName;
                }

                @Override
                public void logParams(Map<String, String> params) {
                }

                @Override
                public void setTags(Map<String, String> tags) {
                }

                @Override
                public void logMetric(String key, double value, long step) {
                    if (refused != null && key.startsWith(refused)) {
                        throw new IllegalStateException("tracker refused " + key);
                    }
                    metrics.put(key, value);
                }

                @Override
                public void logArtifact(String path, byte[] content) {
                    artifacts.add(path);
                }

                @Override
                public void finish(Status status) {
                    finished.add(status);
                }
            };
        }
    }

    private PromptOptimizer.Builder setup(RunTracker tracker) {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify.\nText: {{text}}");
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> QuickStartTest.TARGET.chat(prompts.get("sentiment").format(inputs)).text())
                .trainData(DATA).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Answer with one word.")))
                .budget(Budget.metricCalls(50)).runDirectory(dir.resolve("runs")).tracker(tracker);
    }

    @Test
    void theRunFinishedEventCarriesTheResultAndBothFullEvaluations() {
        List<OptimizationEvent.RunFinished> finished = new ArrayList<>();
        OptimizationResult result = setup(RunTracker.none()).listener(e -> {
            if (e instanceof OptimizationEvent.RunFinished f) {
                finished.add(f);
            }
        }).run();

        assertThat(finished).hasSize(1);
        OptimizationEvent.RunFinished f = finished.get(0);
        assertThat(f.result()).isEqualTo(result);
        assertThat(f.initialScore()).isEqualTo(0.0);
        assertThat(f.finalScore()).isEqualTo(1.0);
        assertThat(f.baseline().results()).hasSize(3);
        assertThat(f.baseline().mean()).isEqualTo(result.initialScore());
        assertThat(f.baseline().candidate().get("sentiment")).isEqualTo(result.initialPrompts().get(0).template());
        assertThat(f.finalEvaluation().candidate()).isEqualTo(result.bestTemplates());
        assertThat(f.finalEvaluation().mean()).isEqualTo(result.finalScore());
    }

    @Test
    void theTrackerLogsTheFinalMetricsAndArtifactsFromTheEvent() {
        RecordingTracker tracker = new RecordingTracker(null);
        OptimizationResult result = setup(tracker).run();

        assertThat(tracker.metrics).containsEntry("initial_eval_score", 0.0).containsEntry("final_eval_score", 1.0)
                .containsEntry("final_eval_score.exact_match", 1.0)
                .containsEntry("metric_calls", (double) result.metricCalls());
        assertThat(tracker.artifacts).contains("result.json", "eval_results/baseline.json", "eval_results/final.json");
        assertThat(tracker.finished).containsExactly(TrackedRun.Status.FINISHED);
    }

    @Test
    void aTrackerThatCannotTakeTheFinalMetricsFailsTheRun() {
        RecordingTracker tracker = new RecordingTracker("final_eval_score");
        assertThatThrownBy(() -> setup(tracker).run()).isInstanceOf(IllegalStateException.class)
                .hasMessage("tracker refused final_eval_score");
        assertThat(tracker.finished).containsExactly(TrackedRun.Status.FAILED);
    }

    @Test
    void theDefaultRunWritesItsReportThroughTheReportListener() throws Exception {
        OptimizationResult result = setup(RunTracker.none()).run();
        assertThat(Files.readString(dir.resolve("runs").resolve(result.runId()).resolve("report.html")))
                .contains("Answer with one word.");
    }

    @Test
    void aReportListenerWritesTheReportWhereItIsTold() throws Exception {
        OptimizationResult result = setup(RunTracker.none())
                .listener(ReportListener.inRunFolders(dir.resolve("reports"))).run();
        assertThat(Files.readString(dir.resolve("reports").resolve(result.runId()).resolve("report.html")))
                .contains("Answer with one word.").contains(result.runId());
    }
}
