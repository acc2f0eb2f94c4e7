package dev.promptopt;

import dev.promptopt.spi.EmbeddedDefaults;
import java.nio.file.Path;
import java.util.Map;

/**
 * Records runs: params, tags, metrics with steps, artifacts. SPI: a local folder and MLflow implement it.
 *
 * <pre>{@code
 * RunTracker tracker = RunTracker.inDirectory(Path.of("mlruns-local"));
 * TrackedRun run = tracker.startRun("sentiment", "gepa-1", Map.of());
 * run.logMetric("eval_score", 0.8, 3);
 * run.finish(TrackedRun.Status.FINISHED);
 * }</pre>
 */
public interface RunTracker {

    /** A tracker writing each run to a folder: params.json, tags.json, metrics.jsonl, artifacts/. */
    static RunTracker inDirectory(Path root) {
        return EmbeddedDefaults.get().directoryTracker(root);
    }

    /** A tracker that records nothing. */
    static RunTracker none() {
        return (experiment, runName, tags) -> TrackedRun.NONE;
    }

    /** Starts a run in an experiment (created if missing). */
    TrackedRun startRun(String experiment, String runName, Map<String, String> tags);
}
