package dev.promptopt.mlflow;

import dev.promptopt.core.tracing.CallTracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.mlflow.internal.MlflowRest;
import dev.promptopt.mlflow.internal.Otlp;
import dev.promptopt.mlflow.internal.PromptTags;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each call of a {@link PredictFn} as an MLflow trace: the inputs, the output (or the error), the
 * templates it was given, the latency, and, for templates equal to a known registry version, the
 * {@code mlflow.linkedPrompts} lineage. Traces go to an experiment through the server's OpenTelemetry
 * endpoint ({@code POST /v1/traces}, spans) and MLflow 3's {@code POST /api/3.0/mlflow/traces} (trace info),
 * as MLflow's Python client sends them, so {@code mlflow.search_traces} returns them with their spans.
 *
 * <pre>{@code
 * MlflowTracing tracing = MlflowTracing.builder(MlflowConnection.of("http://127.0.0.1:5000"))
 *     .experiment("sentiment-prod")
 *     .linkedPrompts(List.of(registry.load("prompts:/sentiment/1")))
 *     .build();
 * PredictFn traced = tracing.wrap(predict);                       // same behaviour, every call traced
 * Dataset migration = new MlflowTraces(connection).toDataset("sentiment-prod");   // inputs + original outputs
 * }</pre>
 *
 * <p>A failure to write a trace never changes what the predict function returns: it is logged as a warning
 * (set {@link Builder#failOnError(boolean)} to throw instead).
 */
public final class MlflowTracing {
    private static final Logger log = LoggerFactory.getLogger(MlflowTracing.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PREVIEW = 1000;

    private final MlflowRest rest;
    private final MlflowRunTracker experiments;
    private final String experiment;
    private final String traceName;
    private final List<PromptVersion> knownVersions;
    private final boolean failOnError;
    private final String runId;
    private volatile String experimentId;

    private MlflowTracing(Builder b) {
        this.runId = b.runId;
        this.experimentId = b.experimentId;
        this.rest = new MlflowRest(b.connection);
        this.experiments = new MlflowRunTracker(b.connection);
        this.experiment = b.experiment;
        this.traceName = b.traceName;
        this.knownVersions = List.copyOf(b.linkedPrompts);
        this.failOnError = b.failOnError;
    }

    public static Builder builder(MlflowConnection connection) {
        return new Builder(connection);
    }

    /** Shorthand: traces of {@code predict} into {@code experiment}. */
    public static PredictFn wrap(PredictFn predict, MlflowConnection connection, String experiment) {
        return builder(connection).experiment(experiment).build().wrap(predict);
    }

    /** The predict function, with each call traced. */
    public PredictFn wrap(PredictFn predict) {
        Objects.requireNonNull(predict, "predict");
        return CallTracing.wrap(predict, this::record, (failure, callFailed) -> {
            if (failOnError && !callFailed) {
                throw failure;
            }
            log.warn("could not write an MLflow trace to experiment '{}': {}", experiment, failure.getMessage());
        });
    }

    /** The id of the experiment traces go to (created when missing). */
    public String experimentId() {
        String id = experimentId;
        if (id == null) {
            id = experiments.experimentId(experiment);
            experimentId = id;
        }
        return id;
    }

    /**
     * Writes one trace and returns its id ({@code tr-...}). {@link #wrap} calls this; call it directly to trace
     * code that is not a {@link PredictFn}.
     */
    public String record(Map<String, Object> inputs, PromptSet prompts, Object output, Throwable error, Instant start,
                         long durationNanos) {
        String expId = experimentId();
        byte[] traceBytes = new byte[16];
        byte[] spanBytes = new byte[8];
        RANDOM.nextBytes(traceBytes);
        RANDOM.nextBytes(spanBytes);
        String otelTraceId = HexFormat.of().formatHex(traceBytes);
        String spanId = HexFormat.of().formatHex(spanBytes);
        String traceId = "tr-" + otelTraceId;
        long startNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        long endNanos = startNanos + durationNanos;

        Map<String, String> templates = new LinkedHashMap<>();
        if (prompts != null) {
            prompts.asMap().forEach((n, t) -> templates.put(n, t.text()));
        }
        List<PromptVersion> usedVersions = usedVersions(prompts);
        String linked = usedVersions.isEmpty() ? null : LinkedPrompts.of(usedVersions);

        // 1. The span, through the OpenTelemetry endpoint (SQL backends store spans in the tracking store).
        ObjectNode span = MlflowRest.object().put("traceId", otelTraceId).put("spanId", spanId).put("name", traceName)
                .put("kind", 1).put("startTimeUnixNano", String.valueOf(startNanos))
                .put("endTimeUnixNano", String.valueOf(endNanos));
        ArrayNode attrs = span.putArray("attributes");
        attrs.add(Otlp.attribute("mlflow.traceRequestId", traceId));
        attrs.add(Otlp.attribute("mlflow.spanType", "CHAIN"));
        attrs.add(Otlp.attribute("mlflow.spanInputs", inputs));
        if (error == null) {
            attrs.add(Otlp.attribute("mlflow.spanOutputs", output));
        }
        attrs.add(Otlp.attribute("promptopt.prompts", templates));
        ObjectNode status = span.putObject("status");
        if (error == null) {
            status.put("code", 1);
        } else {
            status.put("code", 2).put("message", String.valueOf(error));
            ArrayNode events = span.putArray("events");
            ObjectNode ev = events.addObject().put("name", "exception").put("timeUnixNano", String.valueOf(endNanos));
            ArrayNode evAttrs = ev.putArray("attributes");
            evAttrs.add(Otlp.attribute("exception.type", error.getClass().getName()));
            evAttrs.add(Otlp.attribute("exception.message", String.valueOf(error.getMessage())));
        }
        ObjectNode request = MlflowRest.object();
        ObjectNode resourceSpans = request.putArray("resourceSpans").addObject();
        resourceSpans.putObject("resource").putArray("attributes").add(Otlp.attribute("service.name", "promptopt"));
        ObjectNode scopeSpans = resourceSpans.putArray("scopeSpans").addObject();
        scopeSpans.putObject("scope").put("name", "dev.promptopt.mlflow");
        scopeSpans.putArray("spans").add(span);
        rest.postBytes("/v1/traces", request.toString().getBytes(StandardCharsets.UTF_8), "application/json",
                Map.of("x-mlflow-experiment-id", expId));

        // 2. The trace info, as the Python client sends it once a trace ends.
        String inputsJson = json(inputs);
        String outputsJson = error == null ? json(output) : "";
        ObjectNode info = MlflowRest.object().put("trace_id", traceId);
        info.putObject("trace_location").put("type", "MLFLOW_EXPERIMENT").putObject("mlflow_experiment")
                .put("experiment_id", expId);
        info.put("request_time", start.toString());
        info.put("execution_duration", String.format(java.util.Locale.ROOT, "%.9fs", durationNanos / 1e9));
        info.put("state", error == null ? "OK" : "ERROR");
        info.put("request_preview", truncate(inputsJson));
        info.put("response_preview", truncate(outputsJson));
        ObjectNode metadata = info.putObject("trace_metadata");
        metadata.put("mlflow.trace_schema.version", "3");
        metadata.put("mlflow.traceInputs", truncate(inputsJson));
        metadata.put("mlflow.traceOutputs", truncate(outputsJson));
        if (runId != null) {
            metadata.put("mlflow.sourceRun", runId); // what mlflow.search_traces(run_id=...) matches
        }
        ObjectNode tags = info.putObject("tags");
        tags.put("mlflow.traceName", traceName);
        tags.put("mlflow.trace.spansLocation", "TRACKING_STORE");
        if (linked != null) {
            tags.put(PromptTags.LINKED_PROMPTS, linked);
        }
        ObjectNode body = MlflowRest.object();
        body.putObject("trace").set("trace_info", info);
        rest.post("/api/3.0/mlflow/traces", body);
        if (!usedVersions.isEmpty()) {
            // The trace-to-prompt links that search_traces(filter_string='prompt = "name/2"') follows.
            ObjectNode link = MlflowRest.object().put("trace_id", traceId);
            ArrayNode refs = link.putArray("prompt_versions");
            usedVersions.forEach(v -> refs.addObject().put("name", v.name()).put("version", String.valueOf(v.version())));
            rest.post("/api/2.0/mlflow/traces/link-prompts", link);
        }
        return traceId;
    }

    private List<PromptVersion> usedVersions(PromptSet prompts) {
        if (prompts == null || knownVersions.isEmpty()) {
            return List.of();
        }
        List<PromptVersion> used = new ArrayList<>();
        for (PromptVersion v : knownVersions) {
            PromptTemplate t = prompts.asMap().get(v.name());
            if (v.template().equals(t)) {
                used.add(v);
            }
        }
        return used;
    }

    private static String json(Object value) {
        try {
            return MlflowRest.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private static String truncate(String s) {
        return s.length() <= PREVIEW ? s : s.substring(0, PREVIEW - 3) + "...";
    }

    /** Builds {@link MlflowTracing}. */
    public static final class Builder {
        private final MlflowConnection connection;
        private String experiment = "Default";
        private String traceName = "predict";
        private List<PromptVersion> linkedPrompts = List.of();
        private boolean failOnError;
        private String experimentId;
        private String runId;

        private Builder(MlflowConnection connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
        }

        /** The experiment (created when missing); default {@code Default}. */
        public Builder experiment(String experiment) {
            this.experiment = Objects.requireNonNull(experiment, "experiment");
            return this;
        }

        /** The experiment by id (instead of {@link #experiment(String)}'s name). */
        public Builder experimentId(String experimentId) {
            this.experimentId = Objects.requireNonNull(experimentId, "experimentId");
            return this;
        }

        /**
         * The MLflow run the traces belong to (metadata {@code mlflow.sourceRun}, as Python's traces made inside a
         * run carry): {@code mlflow.search_traces(run_id=...)} and the run's Traces tab list them.
         */
        public Builder run(String runId) {
            this.runId = Objects.requireNonNull(runId, "runId");
            return this;
        }

        /** The root span's and trace's name; default {@code predict}. */
        public Builder traceName(String name) {
            this.traceName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Registry versions to link: a call whose template for a prompt equals one of these versions gets it in
         * its {@code mlflow.linkedPrompts} tag.
         */
        public Builder linkedPrompts(List<PromptVersion> versions) {
            this.linkedPrompts = List.copyOf(versions);
            return this;
        }

        /** Whether a trace that cannot be written fails the call (default false: a warning is logged). */
        public Builder failOnError(boolean fail) {
            this.failOnError = fail;
            return this;
        }

        public MlflowTracing build() {
            return new MlflowTracing(this);
        }
    }

    /** For readers: an attribute of a span as the server returns it. */
    static Object attribute(JsonNode span, String key) {
        for (JsonNode a : span.path("attributes")) {
            if (a.path("key").asText().equals(key)) {
                return Otlp.decode(a.path("value"));
            }
        }
        return null;
    }
}
