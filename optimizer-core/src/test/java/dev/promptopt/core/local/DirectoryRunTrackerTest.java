package dev.promptopt.core.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.RunTracker;
import dev.promptopt.TrackedRun;
import dev.promptopt.core.contract.RunTrackerContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryRunTrackerTest extends RunTrackerContract {
    private static final Instant NOW = Instant.parse("2025-03-01T10:15:30Z");

    @TempDir
    Path dir;

    @Override
    protected RunTracker newTracker() {
        return new DirectoryRunTracker(dir.resolve("runs"), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private DirectoryRunTracker local() {
        return (DirectoryRunTracker) tracker;
    }

    @Override
    protected RecordedRun readBack(String experiment, TrackedRun run) {
        LocalRun local = LocalRun.read(local().runDirectory(experiment, run.id()));
        return new RecordedRun(local.status(), local.params(), local.tags(), local.metrics().stream()
                .map(m -> new MetricPoint(m.key(), m.value(), m.step())).toList());
    }

    @Override
    protected byte[] readArtifact(String experiment, TrackedRun run, String path) {
        return LocalRun.read(local().runDirectory(experiment, run.id())).artifact(path);
    }

    @Test
    void aRunIsAFolderWithMetaParamsTagsMetricsAndArtifacts() throws Exception {
        TrackedRun run = tracker.startRun("sentiment", "gepa-1", Map.of("team", "nlp"));
        run.logParams(Map.of("seed", "42"));
        run.logMetric("eval_score", 0.8, 3);
        run.logArtifact("reports/result.json", "{}".getBytes(UTF_8));
        run.finish(TrackedRun.Status.FINISHED);

        Path runDir = dir.resolve("runs").resolve("sentiment").resolve(run.id());
        assertThat(local().runDirectory("sentiment", run.id())).isEqualTo(runDir.toAbsolutePath());
        assertThat(runDir.resolve("meta.json")).isRegularFile();
        assertThat(runDir.resolve("params.json")).isRegularFile();
        assertThat(runDir.resolve("tags.json")).isRegularFile();
        assertThat(Files.readAllLines(runDir.resolve("metrics.jsonl")))
                .containsExactly("{\"key\":\"eval_score\",\"value\":0.8,\"step\":3,\"timestamp\":\"2025-03-01T10:15:30Z\"}");
        assertThat(Files.readString(runDir.resolve("artifacts/reports/result.json"))).isEqualTo("{}");
    }

    @Test
    void readBackGivesNameStatusTimesAndArtifacts() {
        TrackedRun run = tracker.startRun("sentiment", "gepa-1", Map.of());
        run.logArtifact("b.txt", new byte[] {1});
        run.logArtifact("a/c.txt", new byte[] {2});

        LocalRun running = LocalRun.read(local().runDirectory("sentiment", run.id()));
        assertThat(running.status()).isEqualTo("RUNNING");
        assertThat(running.endTime()).isEmpty();
        assertThat(running.runName()).isEqualTo("gepa-1");
        assertThat(running.experiment()).isEqualTo("sentiment");
        assertThat(running.runId()).isEqualTo(run.id());
        assertThat(running.startTime()).isEqualTo(NOW);
        assertThat(running.artifacts()).containsExactly("a/c.txt", "b.txt");

        run.finish(TrackedRun.Status.KILLED);
        LocalRun finished = LocalRun.read(local().runDirectory("sentiment", run.id()));
        assertThat(finished.status()).isEqualTo("KILLED");
        assertThat(finished.endTime()).contains(NOW);
    }

    @Test
    void runsListsTheRunsOfAnExperiment() {
        TrackedRun a = tracker.startRun("sentiment", "a", Map.of());
        TrackedRun b = tracker.startRun("sentiment", "b", Map.of());
        tracker.startRun("other", "c", Map.of());

        assertThat(local().runs("sentiment")).extracting(LocalRun::runId).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(local().runs("never")).isEmpty();
    }

    @Test
    void metricsCanBeFilteredByKey() {
        TrackedRun run = tracker.startRun("sentiment", "a", Map.of());
        run.logMetric("eval_score", 0.5, 0);
        run.logMetric("metric_calls", 10, 0);
        run.logMetric("eval_score", 0.6, 1);

        LocalRun read = LocalRun.read(local().runDirectory("sentiment", run.id()));
        assertThat(read.metrics("eval_score")).extracting(LocalRun.Metric::value).containsExactly(0.5, 0.6);
        assertThat(LocalRun.readMetrics(read.directory())).hasSize(3);
    }

    @Test
    void artifactPathsThatWouldEscapeTheRunAreRefused() {
        TrackedRun run = tracker.startRun("sentiment", "a", Map.of());

        for (String bad : List.of("../meta.json", "/etc/passwd", "a//b", "a\\b", "")) {
            assertThatThrownBy(() -> run.logArtifact(bad, new byte[1]))
                    .as(bad)
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("invalid artifact path '" + bad + "' for run ");
        }
    }

    @Test
    void experimentNamesThatAreNotFolderNamesAreRefused() {
        for (String bad : List.of("", "..", "a/b", "a\\b")) {
            assertThatThrownBy(() -> tracker.startRun(bad, "x", Map.of()))
                    .as(bad)
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("invalid experiment or run name '" + bad + "'");
        }
    }

    @Test
    void aCorruptMetricsLineIsReportedWithFileAndLine() throws Exception {
        TrackedRun run = tracker.startRun("sentiment", "a", Map.of());
        run.logMetric("eval_score", 0.5, 0);
        Path metrics = local().runDirectory("sentiment", run.id()).resolve("metrics.jsonl");
        Files.writeString(metrics, "{\"key\":\"x\",\"val", java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> LocalRun.readMetrics(metrics.getParent()))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessageStartingWith("corrupt metrics file " + metrics + " line 2: ");
    }
}
