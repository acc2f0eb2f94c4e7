package dev.promptopt;

import java.util.Map;

/**
 * One tracked run; see {@link RunTracker}. Implementations are thread-safe.
 *
 * <pre>{@code
 * run.logParams(Map.of("optimizer", "gepa"));
 * run.logMetric("eval_score", 0.75, 2);
 * run.logArtifact("result.json", json.getBytes(UTF_8));
 * }</pre>
 */
public interface TrackedRun {
    /** Final status of a run. */
    enum Status { FINISHED, FAILED, KILLED }

    /** A run that records nothing. */
    TrackedRun NONE = new TrackedRun() {
        @Override
        public String id() {
            return "none";
        }

        @Override
        public void logParams(Map<String, String> params) {
        }

        @Override
        public void setTags(Map<String, String> tags) {
        }

        @Override
        public void logMetric(String key, double value, long step) {
        }

        @Override
        public void logArtifact(String path, byte[] content) {
        }

        @Override
        public void finish(Status status) {
        }
    };

    String id();

    void logParams(Map<String, String> params);

    void setTags(Map<String, String> tags);

    void logMetric(String key, double value, long step);

    /** Stores a file under the run's artifacts at a relative path. */
    void logArtifact(String path, byte[] content);

    void finish(Status status);

    /**
     * Stores a table (MLflow's {@code log_table} layout: {@code {"columns": [...], "data": [[...], ...]}}) at a
     * relative path ending in {@code .json}. Trackers that know tables also mark it as one.
     */
    default void logTable(String path, java.util.List<String> columns, java.util.List<java.util.List<Object>> rows) {
        java.util.Map<String, Object> table = new java.util.LinkedHashMap<>();
        table.put("columns", columns);
        table.put("data", rows);
        logArtifact(path, dev.promptopt.internal.Json.write(table).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Records a dataset the run used, e.g. with context {@code training}. Trackers without dataset inputs ignore it. */
    default void logInput(Dataset dataset, String context) {
    }

    /**
     * The predict function, each call recorded as a trace of this run that links the given prompt versions when
     * it uses their templates. Trackers without traces return it unchanged.
     */
    default PredictFn traced(PredictFn predict, java.util.Collection<PromptVersion> versions) {
        return predict;
    }

    /** Waits until everything logged so far has reached the tracker (trackers that log at once return at once). */
    default void flush() {
    }

    /**
     * Records which prompt versions this run used and produced (lineage). The run calls it with the seed
     * versions at the start and the registered versions at the end. Trackers without lineage ignore it.
     */
    default void linkPrompts(java.util.Collection<PromptVersion> versions) {
    }
}
