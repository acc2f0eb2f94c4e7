package dev.promptopt.core.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.RunTracker;
import dev.promptopt.TrackedRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RunTracker} shares. An implementation's test extends this, supplies a
 * tracker and reads a run back from wherever the tracker wrote it:
 *
 * <pre>{@code
 * class MlflowRunTrackerTest extends RunTrackerContract {
 *     protected RunTracker newTracker() { return new MlflowRunTracker(server.uri()); }
 *     protected RecordedRun readBack(String experiment, TrackedRun run) { ... REST calls ... }
 *     protected byte[] readArtifact(String experiment, TrackedRun run, String path) { ... }
 * }
 * }</pre>
 */
public abstract class RunTrackerContract {

    /** What a tracker recorded for a run, as the test reads it back. */
    public record RecordedRun(String status, Map<String, String> params, Map<String, String> tags,
                              List<MetricPoint> metrics) {
    }

    /** One metric point as read back. */
    public record MetricPoint(String key, double value, long step) {
    }

    protected RunTracker tracker;

    /** A tracker to test; each test gets a new one. */
    protected abstract RunTracker newTracker();

    /** Reads back what the tracker recorded for the run; metrics in logging order per key. */
    protected abstract RecordedRun readBack(String experiment, TrackedRun run);

    /** Reads back an artifact of the run. */
    protected abstract byte[] readArtifact(String experiment, TrackedRun run, String path);

    /** The experiment tests log to; servers shared between tests may override it. */
    protected String experiment() {
        return "contract-tests";
    }

    @BeforeEach
    void createTracker() {
        tracker = newTracker();
    }

    @Test
    void eachStartedRunHasItsOwnId() {
        TrackedRun a = tracker.startRun(experiment(), "a", Map.of());
        TrackedRun b = tracker.startRun(experiment(), "b", Map.of());

        assertThat(a.id()).isNotBlank();
        assertThat(b.id()).isNotBlank().isNotEqualTo(a.id());
    }

    @Test
    void paramsAndTagsAreRecorded() {
        TrackedRun run = tracker.startRun(experiment(), "params", Map.of("team", "nlp"));
        run.logParams(Map.of("optimizer", "gepa", "seed", "42"));
        run.logParams(Map.of("max_metric_calls", "300"));
        run.setTags(Map.of("dataset", "sentiment"));
        run.finish(TrackedRun.Status.FINISHED);

        RecordedRun recorded = readBack(experiment(), run);

        assertThat(recorded.params()).containsAllEntriesOf(
                Map.of("optimizer", "gepa", "seed", "42", "max_metric_calls", "300"));
        assertThat(recorded.tags()).containsAllEntriesOf(Map.of("team", "nlp", "dataset", "sentiment"));
    }

    @Test
    void metricsKeepTheirValueAndStepInLoggingOrder() {
        TrackedRun run = tracker.startRun(experiment(), "metrics", Map.of());
        run.logMetric("eval_score", 0.5, 0);
        run.logMetric("eval_score", 0.75, 1);
        run.logMetric("metric_calls", 40, 1);
        run.logMetric("eval_score", 0.875, 2);
        run.finish(TrackedRun.Status.FINISHED);

        List<MetricPoint> score = readBack(experiment(), run).metrics().stream()
                .filter(m -> m.key().equals("eval_score")).toList();

        assertThat(score).containsExactly(new MetricPoint("eval_score", 0.5, 0),
                new MetricPoint("eval_score", 0.75, 1), new MetricPoint("eval_score", 0.875, 2));
    }

    @Test
    void metricsLoggedFromEightThreadsAreAllRecorded() throws Exception {
        TrackedRun run = tracker.startRun(experiment(), "concurrent", Map.of());
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String key = "thread_" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        run.logMetric(key, i / 10.0, i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        run.finish(TrackedRun.Status.FINISHED);

        List<MetricPoint> metrics = readBack(experiment(), run).metrics();

        assertThat(metrics).hasSize(threads * perThread);
        for (int t = 0; t < threads; t++) {
            String key = "thread_" + t;
            assertThat(metrics.stream().filter(m -> m.key().equals(key)).map(MetricPoint::step).toList())
                    .as(key).containsExactlyInAnyOrderElementsOf(
                            java.util.stream.LongStream.range(0, perThread).boxed().toList());
        }
    }

    @Test
    void artifactsAreStoredAtTheirRelativePaths() {
        TrackedRun run = tracker.startRun(experiment(), "artifacts", Map.of());
        run.logArtifact("result.json", "{\"score\":1}".getBytes(UTF_8));
        run.logArtifact("reports/candidates.md", "# Candidates".getBytes(UTF_8));
        run.finish(TrackedRun.Status.FINISHED);

        assertThat(new String(readArtifact(experiment(), run, "result.json"), UTF_8)).isEqualTo("{\"score\":1}");
        assertThat(new String(readArtifact(experiment(), run, "reports/candidates.md"), UTF_8)).isEqualTo("# Candidates");
    }

    @Test
    void finishRecordsTheFinalStatus() {
        TrackedRun ok = tracker.startRun(experiment(), "ok", Map.of());
        ok.finish(TrackedRun.Status.FINISHED);
        TrackedRun failed = tracker.startRun(experiment(), "failed", Map.of());
        failed.finish(TrackedRun.Status.FAILED);

        assertThat(readBack(experiment(), ok).status()).isEqualTo("FINISHED");
        assertThat(readBack(experiment(), failed).status()).isEqualTo("FAILED");
    }
}
