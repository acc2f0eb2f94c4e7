package dev.promptopt.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.RunTracker;
import dev.promptopt.TrackedRun;
import dev.promptopt.mlflow.internal.MlflowRest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RunTracker} on an MLflow tracking server: one MLflow run per optimization in an experiment
 * (created when missing), params, tags, metrics with steps, and artifacts uploaded through the server's
 * artifact proxy ({@code mlflow server} serves artifacts by default), so {@code mlflow.search_runs} and
 * {@code MlflowClient().list_artifacts} see them.
 *
 * <pre>{@code
 * RunTracker tracker = new MlflowRunTracker(MlflowConnection.fromEnvironment());
 * OptimizationResult result = PromptOptimizer.builder()
 *     ...
 *     .tracker(tracker)
 *     .experiment("sentiment")
 *     .run();
 * }</pre>
 *
 * <p>A resumed optimization (a run tagged {@code promptopt.prompt_optimization}, started again under the same run
 * name by {@code PromptOptimizer.Builder.resume}) continues the MLflow run it started when that run did not
 * finish, instead of opening a second one; see {@link #resumeUnfinishedRuns(boolean)}.
 *
 * <p>The run tag {@code promptopt.prompt_optimization} is kept as is: MLflow (3.17) has no run tag of its own
 * for prompt optimizations; its {@code optimize_prompts} logs the same params and metrics this library logs.
 */
public final class MlflowRunTracker implements RunTracker {
    private static final Logger log = LoggerFactory.getLogger(MlflowRunTracker.class);
    static final String API = "/api/2.0/mlflow/";
    /** The tag {@code PromptOptimizer} puts on its runs. */
    public static final String OPTIMIZATION_TAG = "promptopt.prompt_optimization";

    private final MlflowRest rest;
    private final Map<String, String> experimentIds = new ConcurrentHashMap<>();
    private volatile boolean resumeUnfinishedRuns = true;

    public MlflowRunTracker(MlflowConnection connection) {
        this.rest = new MlflowRest(Objects.requireNonNull(connection, "connection"));
    }

    /** A tracker on the server at {@code trackingUri}, without credentials. */
    public static MlflowRunTracker of(String trackingUri) {
        return new MlflowRunTracker(MlflowConnection.of(trackingUri));
    }

    /**
     * Whether {@link #startRun} continues an unfinished run (RUNNING, FAILED or KILLED) of the same name in the
     * experiment (default true); false always opens a new run.
     */
    public MlflowRunTracker resumeUnfinishedRuns(boolean resume) {
        this.resumeUnfinishedRuns = resume;
        return this;
    }

    @Override
    public MlflowRun startRun(String experiment, String runName, Map<String, String> tags) {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(runName, "runName");
        String experimentId = experimentId(experiment);
        Map<String, String> allTags = new LinkedHashMap<>(tags == null ? Map.of() : tags);
        if (resumeUnfinishedRuns && "true".equals(allTags.get(OPTIMIZATION_TAG))) {
            JsonNode previous = findUnfinished(experimentId, runName);
            if (previous != null) {
                String runId = previous.path("info").path("run_id").asText();
                rest.post(API + "runs/update", MlflowRest.object().put("run_id", runId).put("status", "RUNNING"));
                MlflowRun run = new MlflowRun(rest, experimentId, runId, previous.path("info").path("artifact_uri").asText());
                run.continueFrom(previous);
                run.setTags(allTags);
                log.info("continuing MLflow run {} ('{}') in experiment '{}' at {}", runId, runName, experiment, rest.server());
                return run;
            }
        }
        allTags.putIfAbsent("mlflow.runName", runName);
        sourceTags().forEach(allTags::putIfAbsent);
        ObjectNode body = MlflowRest.object().put("experiment_id", experimentId).put("run_name", runName)
                .put("start_time", System.currentTimeMillis());
        ArrayNode tagArray = body.putArray("tags");
        allTags.forEach((k, v) -> tagArray.addObject().put("key", k).put("value", v));
        JsonNode info = rest.post(API + "runs/create", body).path("run").path("info");
        String runId = info.path("run_id").asText();
        log.info("started MLflow run {} ('{}') in experiment '{}' at {}", runId, runName, experiment, rest.server());
        return new MlflowRun(rest, experimentId, runId, info.path("artifact_uri").asText());
    }

    /** An existing run by MLflow run id, e.g. to {@link MlflowRun#linkPrompts link prompts} after an optimization. */
    public MlflowRun attach(String runId) {
        JsonNode info = getRun(runId).path("info");
        return new MlflowRun(rest, info.path("experiment_id").asText(), runId, info.path("artifact_uri").asText());
    }

    /** The MLflow run id of the newest run with this name in the experiment (an optimization's run id is its name). */
    public java.util.Optional<String> findRunId(String experiment, String runName) {
        ObjectNode body = MlflowRest.object().put("filter", "attributes.run_name = '" + runName.replace("'", "\\'") + "'")
                .put("max_results", 1);
        body.putArray("experiment_ids").add(experimentId(experiment));
        body.putArray("order_by").add("attributes.start_time DESC");
        JsonNode runs = rest.post(API + "runs/search", body).path("runs");
        return runs.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(runs.get(0).path("info").path("run_id").asText());
    }

    /** The id of an experiment, created when missing. */
    public String experimentId(String experiment) {
        return experimentIds.computeIfAbsent(experiment, this::getOrCreateExperiment);
    }

    private String getOrCreateExperiment(String name) {
        String id = findExperiment(name);
        if (id != null) {
            return id;
        }
        try {
            return rest.post(API + "experiments/create", MlflowRest.object().put("name", name)).path("experiment_id").asText();
        } catch (MlflowException e) {
            if (e.errorCode().equals("RESOURCE_ALREADY_EXISTS")) {
                String again = findExperiment(name);
                if (again != null) {
                    return again;
                }
            }
            throw e;
        }
    }

    private String findExperiment(String name) {
        try {
            JsonNode exp = rest.get(API + "experiments/get-by-name", MlflowRest.query("experiment_name", name)).path("experiment");
            if ("deleted".equalsIgnoreCase(exp.path("lifecycle_stage").asText())) {
                throw new MlflowException("MLflow experiment '" + name + "' at " + rest.server()
                        + " is deleted: restore it or use another experiment name", 0, "", false, null);
            }
            return exp.path("experiment_id").asText();
        } catch (MlflowException e) {
            if (e.errorCode().equals("RESOURCE_DOES_NOT_EXIST")) {
                return null;
            }
            throw e;
        }
    }

    private JsonNode findUnfinished(String experimentId, String runName) {
        ObjectNode body = MlflowRest.object().put("filter", "attributes.run_name = '" + runName.replace("'", "\\'")
                + "' AND attributes.status != 'FINISHED' AND tags.`" + OPTIMIZATION_TAG + "` = 'true'").put("max_results", 1);
        body.putArray("experiment_ids").add(experimentId);
        body.putArray("order_by").add("attributes.start_time DESC");
        JsonNode runs = rest.post(API + "runs/search", body).path("runs");
        return runs.isEmpty() ? null : runs.get(0);
    }

    /**
     * The tags MLflow's Python client puts on every run it starts: {@code mlflow.user} (the OS user),
     * {@code mlflow.source.name} (the program: the main class or jar) and {@code mlflow.source.type} {@code LOCAL}.
     */
    static Map<String, String> sourceTags() {
        Map<String, String> tags = new LinkedHashMap<>();
        String user = System.getProperty("user.name");
        if (user != null && !user.isBlank()) {
            tags.put("mlflow.user", user);
        }
        String command = System.getProperty("sun.java.command", "").strip();
        String program = command.isEmpty() ? "java" : command.split("\\s+")[0];
        tags.put("mlflow.source.name", program);
        tags.put("mlflow.source.type", "LOCAL");
        return tags;
    }

    @Override
    public String toString() {
        return "MlflowRunTracker[" + rest.server() + "]";
    }

    /** A run's REST reads, for tests and tools: {@code GET runs/get}. */
    public JsonNode getRun(String runId) {
        return rest.get(API + "runs/get", MlflowRest.query("run_id", runId)).path("run");
    }

    /** Metric history of one key, in the server's order. */
    public JsonNode metricHistory(String runId, String key) {
        return rest.get(API + "metrics/get-history", MlflowRest.query("run_id", runId, "metric_key", key, "max_results", 25000))
                .path("metrics");
    }

    /** Downloads an artifact of a run through the artifact proxy. */
    public byte[] downloadArtifact(String experimentId, String runId, String path) {
        return rest.getBytes("/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + runId + "/artifacts/"
                + MlflowRest.encodePath(path));
    }
}
