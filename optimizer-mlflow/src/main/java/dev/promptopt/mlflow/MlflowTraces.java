package dev.promptopt.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.mlflow.internal.MlflowRest;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the traces of an MLflow experiment (any client's: Python's {@code @mlflow.trace}, {@link MlflowTracing},
 * OpenTelemetry) and turns them into a {@link Dataset} of the inputs and the outputs the original model gave:
 * the training data of a model migration.
 *
 * <pre>{@code
 * MlflowTraces traces = new MlflowTraces(MlflowConnection.of("http://127.0.0.1:5000"));
 * Dataset train = traces.toDataset("sentiment-prod");    // one example per successful trace, id = trace id
 * OptimizationResult r = PromptOptimizer.builder().trainData(train).predictFn(newModelPredict)...run();
 * }</pre>
 */
public final class MlflowTraces {
    private static final int PAGE = 500;

    private final MlflowRest rest;
    private final MlflowConnection connection;

    public MlflowTraces(MlflowConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.rest = new MlflowRest(connection);
    }

    /**
     * One trace as read back: the root span's inputs and outputs.
     *
     * @param traceId    MLflow's trace id ({@code tr-...})
     * @param state      {@code OK}, {@code ERROR} or {@code IN_PROGRESS}
     * @param inputs     the root span's inputs (a map; a non-map input is under the key {@code input})
     * @param outputs    the root span's outputs, or null
     * @param tags       the trace's tags
     * @param requestTime when the trace started
     */
    public record Trace(String traceId, String state, Map<String, Object> inputs, Object outputs, Map<String, String> tags,
                        Instant requestTime) {
    }

    /**
     * The traces of an experiment, newest first.
     *
     * @param filter an MLflow trace filter (e.g. {@code tags.`mlflow.traceName` = 'predict'}); null or empty for all
     * @param max    at most this many
     * @throws InvalidInputException when the experiment does not exist
     */
    public List<Trace> search(String experiment, String filter, int max) {
        String experimentId = requireExperiment(experiment);
        List<Trace> out = new ArrayList<>();
        String token = null;
        do {
            ObjectNode body = MlflowRest.object();
            body.putArray("locations").addObject().put("type", "MLFLOW_EXPERIMENT").putObject("mlflow_experiment")
                    .put("experiment_id", experimentId);
            if (filter != null && !filter.isBlank()) {
                body.put("filter", filter);
            }
            body.put("max_results", Math.min(PAGE, max - out.size()));
            body.putArray("order_by").add("timestamp_ms DESC");
            if (token != null) {
                body.put("page_token", token);
            }
            JsonNode page = rest.post("/api/3.0/mlflow/traces/search", body);
            for (JsonNode info : page.path("traces")) {
                out.add(read(info));
                if (out.size() >= max) {
                    break;
                }
            }
            token = page.path("next_page_token").asText(null);
        } while (token != null && !token.isEmpty() && out.size() < max);
        return List.copyOf(out);
    }

    /** Every trace of an experiment, newest first. */
    public List<Trace> search(String experiment) {
        return search(experiment, null, Integer.MAX_VALUE);
    }

    /** One trace with its spans. */
    public Trace get(String traceId) {
        JsonNode trace = rest.get("/api/3.0/mlflow/traces/get", MlflowRest.query("trace_id", traceId)).path("trace");
        return fromTrace(trace.path("trace_info"), trace.path("spans"));
    }

    /**
     * The successful traces of an experiment as a dataset: inputs, and the original output as {@code outputs}.
     * Example ids are the trace ids; tag {@code mlflow.trace_id} holds it too.
     */
    public Dataset toDataset(String experiment) {
        return toDataset(experiment, search(experiment));
    }

    /**
     * The traces of an experiment as a dataset; with {@code includeErrors} the traces whose call failed come too,
     * without outputs and tagged {@code mlflow.trace.state = ERROR} (for studying failures, not as references).
     */
    public Dataset toDataset(String experiment, boolean includeErrors) {
        return toDataset(experiment, search(experiment), includeErrors);
    }

    /** The given traces (OK ones with outputs) as a dataset named after the experiment. */
    public static Dataset toDataset(String name, List<Trace> traces) {
        return toDataset(name, traces, false);
    }

    /** The given traces as a dataset: the OK ones with outputs, and the error ones when {@code includeErrors}. */
    public static Dataset toDataset(String name, List<Trace> traces, boolean includeErrors) {
        List<Example> examples = new ArrayList<>();
        for (Trace t : traces) {
            if (t.inputs().isEmpty()) {
                continue;
            }
            boolean ok = "OK".equals(t.state()) && !Example.isEmptyOutput(t.outputs());
            if (ok) {
                examples.add(new Example(t.traceId(), t.inputs(), t.outputs(), Map.of(),
                        Map.of("mlflow.trace_id", t.traceId()), "trace " + t.traceId()));
            } else if (includeErrors && "ERROR".equals(t.state())) {
                examples.add(new Example(t.traceId(), t.inputs(), null, Map.of(),
                        Map.of("mlflow.trace_id", t.traceId(), "mlflow.trace.state", "ERROR"), "trace " + t.traceId()));
            }
        }
        return Dataset.of(name, examples);
    }

    private Trace read(JsonNode info) {
        String traceId = info.path("trace_id").asText();
        try {
            JsonNode trace = rest.get("/api/3.0/mlflow/traces/get", MlflowRest.query("trace_id", traceId)).path("trace");
            return fromTrace(trace.path("trace_info"), trace.path("spans"));
        } catch (MlflowException e) {
            if (e.retriable()) {
                throw e;
            }
            // Spans kept in artifacts (file stores, older servers): the previews in the trace metadata are what is left.
            return fromTrace(info, MlflowRest.mapper().createArrayNode());
        }
    }

    private Trace fromTrace(JsonNode info, JsonNode spans) {
        JsonNode root = null;
        for (JsonNode s : spans) {
            String parent = s.path("parent_span_id").asText("");
            if (parent.isEmpty()) {
                root = s;
                break;
            }
        }
        Object inputs;
        Object outputs;
        if (root != null) {
            inputs = MlflowTracing.attribute(root, "mlflow.spanInputs");
            outputs = MlflowTracing.attribute(root, "mlflow.spanOutputs");
            // Python's spans hold attributes JSON-encoded once more in some paths; undo that.
            inputs = inputs instanceof String s && looksLikeJsonObject(s) ? parse(s) : inputs;
        } else {
            inputs = parse(info.path("trace_metadata").path("mlflow.traceInputs").asText(null));
            outputs = parse(info.path("trace_metadata").path("mlflow.traceOutputs").asText(null));
        }
        Map<String, Object> inputMap = new LinkedHashMap<>();
        if (inputs instanceof Map<?, ?> m) {
            m.forEach((k, v) -> inputMap.put(String.valueOf(k), v));
        } else if (inputs != null) {
            inputMap.put("input", inputs);
        }
        Map<String, String> tags = new LinkedHashMap<>();
        info.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        Instant requestTime = info.hasNonNull("request_time") ? Instant.parse(info.path("request_time").asText()) : Instant.EPOCH;
        return new Trace(info.path("trace_id").asText(), info.path("state").asText(), inputMap, outputs, tags, requestTime);
    }

    private static boolean looksLikeJsonObject(String s) {
        String t = s.strip();
        return t.startsWith("{") && t.endsWith("}");
    }

    private static Object parse(String json) {
        if (json == null || json.isEmpty()) {
            return null;
        }
        try {
            return MlflowRest.mapper().readValue(json, Object.class);
        } catch (IOException e) {
            return json;
        }
    }

    private String requireExperiment(String experiment) {
        try {
            return rest.get("/api/2.0/mlflow/experiments/get-by-name", MlflowRest.query("experiment_name", experiment))
                    .path("experiment").path("experiment_id").asText();
        } catch (MlflowException e) {
            if (e.errorCode().equals("RESOURCE_DOES_NOT_EXIST")) {
                throw new InvalidInputException("no MLflow experiment '" + experiment + "' at " + connection.trackingUri());
            }
            throw e;
        }
    }
}
