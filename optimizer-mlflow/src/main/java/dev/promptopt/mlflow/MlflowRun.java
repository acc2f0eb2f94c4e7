package dev.promptopt.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.PromptVersion;
import dev.promptopt.TrackedRun;
import dev.promptopt.mlflow.internal.MlflowRest;
import dev.promptopt.mlflow.internal.PromptTags;
import dev.promptopt.mlflow.internal.RunSender;
import dev.promptopt.mlflow.internal.DatasetInputs;
import dev.promptopt.mlflow.internal.PromptExperiments;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One MLflow run, as {@link MlflowRunTracker#startRun} returns it: a {@link TrackedRun} plus MLflow's ids and
 * prompt lineage. Thread-safe. Params, tags, inputs and lineage go to the server at once (they are logged before and
 * after the optimization); metrics, artifacts, tables and traces go through a background sender that batches
 * metrics into {@code runs/log-batch} calls and never makes the caller wait, so MLflow's UI and a Python poller see
 * the run grow while it goes. {@link #flush()} waits for everything logged so far; {@link #finish} flushes first.
 * A metric point (key, step) is logged once: a continued run skips the points the server already holds.
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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MlflowRun.class);
    private static final int MAX_PARAMS_PER_BATCH = 100;

    private final MlflowRest rest;
    private final String experimentId;
    private final String runId;
    private final String artifactUri;
    private final RunSender sender;
    /** The tables logged so far, as the {@code mlflow.loggedArtifacts} tag lists them. */
    private final List<String> tables = new ArrayList<>();

    MlflowRun(MlflowRest rest, String experimentId, String runId, String artifactUri) {
        this.rest = rest;
        this.experimentId = experimentId;
        this.runId = runId;
        this.artifactUri = artifactUri;
        this.sender = new RunSender(rest, runId);
    }

    /**
     * Takes in what a continued run already holds (its metric points and logged tables), so that nothing is
     * sent twice. {@code run} is the run as {@code runs/get} or {@code runs/search} returns it.
     */
    void continueFrom(JsonNode run) {
        for (JsonNode m : run.path("data").path("metrics")) {
            String key = m.path("key").asText();
            JsonNode history = rest.get(MlflowRunTracker.API + "metrics/get-history", MlflowRest.query("run_id", runId,
                    "metric_key", key, "max_results", 25000)).path("metrics");
            for (JsonNode point : history) {
                sender.known(key, point.path("step").asLong());
            }
        }
        for (JsonNode t : run.path("data").path("tags")) {
            if (t.path("key").asText().equals(LOGGED_ARTIFACTS)) {
                try {
                    for (JsonNode a : MlflowRest.mapper().readTree(t.path("value").asText())) {
                        if ("table".equals(a.path("type").asText())) {
                            synchronized (tables) {
                                tables.add(a.path("path").asText());
                            }
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new MlflowException("MLflow run " + runId + " at " + rest.server() + " has a tag " + LOGGED_ARTIFACTS
                            + " that is not a JSON list: " + e.getMessage(), 0, "", false, e);
                }
            }
        }
    }

    /** The run tag MLflow's {@code log_table} keeps its tables in. */
    static final String LOGGED_ARTIFACTS = "mlflow.loggedArtifacts";

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

    /** Queues the point for the background sender (a point whose key and step were logged before is skipped). */
    @Override
    public void logMetric(String key, double value, long step) {
        sender.metric(key, value, step);
    }

    /** Several metrics at one step; they reach the server in one batch call. */
    public void logMetrics(Map<String, Double> metrics, long step) {
        metrics.forEach((k, v) -> sender.metric(k, v, step));
    }

    /** Waits until every metric, artifact and trace logged so far has reached the server. */
    @Override
    public void flush() {
        sender.flush();
    }

    /**
     * Uploads through the server's artifact proxy. Needs {@code mlflow server} with artifact serving (the
     * default); a run whose artifact location the server does not proxy is refused with a message saying so.
     */
    @Override
    public void logArtifact(String path, byte[] content) {
        Objects.requireNonNull(content, "content");
        String target = "/api/2.0/mlflow-artifacts/artifacts/" + proxyRoot() + "/" + MlflowRest.encodePath(cleanPath(path));
        byte[] copy = content.clone();
        sender.call("artifact " + path, r -> r.put(target, copy, "application/octet-stream"), true);
    }

    /**
     * Uploads the table as MLflow's {@code log_table} writes it (pandas' "split" layout) and lists it in the run
     * tag {@code mlflow.loggedArtifacts}, so {@code mlflow.load_table} and the UI's table view find it.
     */
    @Override
    public void logTable(String path, List<String> columns, List<List<Object>> rows) {
        if (!path.endsWith(".json")) {
            throw new dev.promptopt.InvalidInputException("invalid table path '" + path + "': expected a path ending in .json");
        }
        ObjectNode table = MlflowRest.object();
        ArrayNode cols = table.putArray("columns");
        columns.forEach(cols::add);
        table.set("data", MlflowRest.mapper().valueToTree(rows));
        logArtifact(path, table.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String tagValue;
        synchronized (tables) {
            if (tables.contains(path)) {
                return;
            }
            tables.add(path);
            tagValue = loggedArtifactsTag(tables);
        }
        sender.call("tag " + LOGGED_ARTIFACTS, r -> r.post(MlflowRunTracker.API + "runs/set-tag", MlflowRest.object()
                .put("run_id", runId).put("key", LOGGED_ARTIFACTS).put("value", tagValue)), true);
    }

    /** The tag value as Python's {@code json.dumps} writes it. */
    private static String loggedArtifactsTag(List<String> paths) {
        StringBuilder sb = new StringBuilder("[");
        for (String p : paths) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append("{\"path\": ").append(MlflowRest.mapper().getNodeFactory().textNode(p).toString())
                    .append(", \"type\": \"table\"}");
        }
        return sb.append(']').toString();
    }

    /**
     * Logs the dataset as a run input ({@code runs/log-inputs}) with tag {@code mlflow.data.context}, as
     * {@code optimize_prompts} logs its training data (context {@code training}).
     */
    @Override
    public void logInput(dev.promptopt.Dataset dataset, String context) {
        rest.post(MlflowRunTracker.API + "runs/log-inputs", DatasetInputs.body(runId, dataset, context));
    }

    /**
     * Each call traced into this run's experiment: the trace carries the run ({@code mlflow.sourceRun}, so
     * {@code mlflow.search_traces(run_id=...)} finds it) and links the prompt versions whose template it used.
     * Traces are written by the background sender; a trace that cannot be written is dropped with a warning.
     */
    @Override
    public dev.promptopt.PredictFn traced(dev.promptopt.PredictFn predict, Collection<PromptVersion> versions) {
        MlflowTracing tracing = MlflowTracing.builder(rest.connection()).experimentId(experimentId).run(runId)
                .linkedPrompts(List.copyOf(versions)).traceName("predict").build();
        return dev.promptopt.core.tracing.CallTracing.wrap(predict, (inputs, prompts, output, error, start, nanos) ->
                sender.call("trace", r -> tracing.record(inputs, prompts, output, error, start, nanos), false),
                (failure, callFailed) -> log.warn("could not queue a trace of MLflow run {}: {}", runId, failure.getMessage()));
    }

    /** Reads an artifact of this run back through the artifact proxy (after sending what is queued). */
    public byte[] readArtifact(String path) {
        sender.flush();
        return rest.getBytes("/api/2.0/mlflow-artifacts/artifacts/" + proxyRoot() + "/" + MlflowRest.encodePath(cleanPath(path)));
    }

    /**
     * Adds prompt versions to the run's {@code mlflow.linkedPrompts} tag (the lineage MLflow's UI and
     * Python client show), keeping those already there.
     */
    @Override
    public synchronized void linkPrompts(Collection<PromptVersion> versions) {
        for (String name : versions.stream().map(PromptVersion::name).distinct().toList()) {
            PromptExperiments.link(rest, name, experimentId);
        }
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

    /** Sends what is queued, then sets the final status; the run takes no more metrics after this. */
    @Override
    public void finish(Status status) {
        try {
            sender.close();
        } catch (MlflowException e) {
            if (status == Status.FINISHED) {
                throw e;
            }
            log.warn("MLflow run {}: {}", runId, e.getMessage());
        }
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
