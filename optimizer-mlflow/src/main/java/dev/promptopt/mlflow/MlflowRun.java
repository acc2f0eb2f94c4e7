package dev.promptopt.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.PromptVersion;
import dev.promptopt.TrackedRun;
import dev.promptopt.mlflow.internal.MlflowRest;
import dev.promptopt.mlflow.internal.PromptTags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One MLflow run, as {@link MlflowRunTracker#startRun} returns it: a {@link TrackedRun} plus MLflow's ids and
 * prompt lineage. Thread-safe; every call goes to the server at once, so a failure surfaces where it happens.
 *
 * <pre>{@code
 * MlflowRun run = tracker.startRun("sentiment", "gepa-1", Map.of());
 * run.logMetrics(Map.of("eval_score", 0.8, "metric_calls", 40.0), 3);   // one batch call
 * run.linkPrompts(List.of(registry.load("prompts:/sentiment/2")));      // mlflow.linkedPrompts
 * run.logArtifact("result.json", json);
 * run.finish(TrackedRun.Status.FINISHED);
 * }</pre>
 */
public final class MlflowRun implements TrackedRun {
    private static final int MAX_PARAMS_PER_BATCH = 100;
    private static final int MAX_METRICS_PER_BATCH = 1000;

    private final MlflowRest rest;
    private final String experimentId;
    private final String runId;
    private final String artifactUri;

    MlflowRun(MlflowRest rest, String experimentId, String runId, String artifactUri) {
        this.rest = rest;
        this.experimentId = experimentId;
        this.runId = runId;
        this.artifactUri = artifactUri;
    }

    /** MLflow's run id. */
    @Override
    public String id() {
        return runId;
    }

    public String experimentId() {
        return experimentId;
    }

    /** Where MLflow keeps the run's artifacts, e.g. {@code mlflow-artifacts:/1/<run>/artifacts}. */
    public String artifactUri() {
        return artifactUri;
    }

    @Override
    public void logParams(Map<String, String> params) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(params.entrySet());
        for (int i = 0; i < entries.size(); i += MAX_PARAMS_PER_BATCH) {
            ObjectNode body = batch();
            ArrayNode array = body.putArray("params");
            for (Map.Entry<String, String> e : entries.subList(i, Math.min(entries.size(), i + MAX_PARAMS_PER_BATCH))) {
                array.addObject().put("key", e.getKey()).put("value", e.getValue());
            }
            rest.post(MlflowRunTracker.API + "runs/log-batch", body);
        }
    }

    @Override
    public void setTags(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return;
        }
        ObjectNode body = batch();
        ArrayNode array = body.putArray("tags");
        tags.forEach((k, v) -> array.addObject().put("key", k).put("value", v));
        rest.post(MlflowRunTracker.API + "runs/log-batch", body);
    }

    @Override
    public void logMetric(String key, double value, long step) {
        rest.post(MlflowRunTracker.API + "runs/log-metric", MlflowRest.object().put("run_id", runId).put("key", key)
                .put("value", value).put("step", step).put("timestamp", System.currentTimeMillis()));
    }

    /** Several metrics at one step in one call. */
    public void logMetrics(Map<String, Double> metrics, long step) {
        List<Map.Entry<String, Double>> entries = new ArrayList<>(metrics.entrySet());
        long now = System.currentTimeMillis();
        for (int i = 0; i < entries.size(); i += MAX_METRICS_PER_BATCH) {
            ObjectNode body = batch();
            ArrayNode array = body.putArray("metrics");
            for (Map.Entry<String, Double> e : entries.subList(i, Math.min(entries.size(), i + MAX_METRICS_PER_BATCH))) {
                array.addObject().put("key", e.getKey()).put("value", e.getValue()).put("step", step).put("timestamp", now);
            }
            rest.post(MlflowRunTracker.API + "runs/log-batch", body);
        }
    }

    /**
     * Uploads through the server's artifact proxy. Needs {@code mlflow server} with artifact serving (the
     * default); a run whose artifact location the server does not proxy is refused with a message saying so.
     */
    @Override
    public void logArtifact(String path, byte[] content) {
        Objects.requireNonNull(content, "content");
        String clean = cleanPath(path);
        rest.put("/api/2.0/mlflow-artifacts/artifacts/" + proxyRoot() + "/" + MlflowRest.encodePath(clean), content,
                "application/octet-stream");
    }

    /** Reads an artifact of this run back through the artifact proxy. */
    public byte[] readArtifact(String path) {
        return rest.getBytes("/api/2.0/mlflow-artifacts/artifacts/" + proxyRoot() + "/" + MlflowRest.encodePath(cleanPath(path)));
    }

    /**
     * Adds prompt versions to the run's {@code mlflow.linkedPrompts} tag (the lineage MLflow's UI and
     * Python client show), keeping those already there.
     */
    @Override
    public synchronized void linkPrompts(Collection<PromptVersion> versions) {
        JsonNode run = rest.get(MlflowRunTracker.API + "runs/get", MlflowRest.query("run_id", runId)).path("run");
        String current = null;
        for (JsonNode t : run.path("data").path("tags")) {
            if (t.path("key").asText().equals(PromptTags.LINKED_PROMPTS)) {
                current = t.path("value").asText();
            }
        }
        String updated = LinkedPrompts.merge(current, versions);
        if (!updated.equals(current)) {
            rest.post(MlflowRunTracker.API + "runs/set-tag", MlflowRest.object().put("run_id", runId)
                    .put("key", PromptTags.LINKED_PROMPTS).put("value", updated));
        }
    }

    @Override
    public void finish(Status status) {
        rest.post(MlflowRunTracker.API + "runs/update", MlflowRest.object().put("run_id", runId).put("status", status.name())
                .put("end_time", System.currentTimeMillis()));
    }

    @Override
    public String toString() {
        return "MlflowRun[" + runId + " in experiment " + experimentId + " at " + rest.server() + "]";
    }

    private ObjectNode batch() {
        return MlflowRest.object().put("run_id", runId);
    }

    private String proxyRoot() {
        String prefix = "mlflow-artifacts:";
        if (!artifactUri.startsWith(prefix)) {
            throw new MlflowException("MLflow run " + runId + " at " + rest.server() + " keeps its artifacts at '"
                    + artifactUri + "', which the server does not proxy: start mlflow server with artifact serving"
                    + " (the default; not --no-serve-artifacts) for an experiment created under it", 0, "", false, null);
        }
        String rest = artifactUri.substring(prefix.length());
        // mlflow-artifacts:/1/<run>/artifacts or mlflow-artifacts://host:port/1/<run>/artifacts
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            rest = slash < 0 ? "" : rest.substring(slash);
        }
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        return rest;
    }

    private static String cleanPath(String path) {
        Objects.requireNonNull(path, "path");
        String p = path.replace('\\', '/');
        if (p.isEmpty() || p.startsWith("/") || p.endsWith("/")) {
            throw new dev.promptopt.InvalidInputException("invalid artifact path '" + path + "': expected a relative file path");
        }
        for (String segment : p.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new dev.promptopt.InvalidInputException("invalid artifact path '" + path
                        + "': empty, '.' and '..' segments are not allowed");
            }
        }
        return p;
    }
}
