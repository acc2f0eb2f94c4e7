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
     * Records which prompt versions this run used and produced (lineage). The run calls it with the seed
     * versions at the start and the registered versions at the end. Trackers without lineage ignore it.
     */
    default void linkPrompts(java.util.Collection<PromptVersion> versions) {
    }
}
