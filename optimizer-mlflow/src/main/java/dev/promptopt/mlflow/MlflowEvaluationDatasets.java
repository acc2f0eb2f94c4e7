package dev.promptopt.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.mlflow.internal.DatasetInputs;
import dev.promptopt.mlflow.internal.MlflowRest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * MLflow 3 evaluation datasets (servers with a SQL backend): create one, merge records into it from a
 * {@link Dataset} or from traces, and read it back as a {@link Dataset}. Records keep {@code inputs},
 * {@code outputs}, {@code expectations} and {@code tags}; records built from traces carry the trace as
 * their source, as {@code dataset.merge_records(traces)} in Python does.
 *
 * <pre>{@code
 * MlflowEvaluationDatasets datasets = new MlflowEvaluationDatasets(connection);
 * String id = datasets.create("sentiment-eval", "sentiment", Map.of("team", "nlp"));
 * datasets.merge(id, Dataset.fromJsonl(Path.of("sentiment.jsonl")));
 * datasets.mergeTraces(id, new MlflowTraces(connection).search("sentiment-prod"));
 * Dataset eval = datasets.read(id);
 * }</pre>
 */
public final class MlflowEvaluationDatasets {
    private static final String API = "/api/3.0/mlflow/datasets";
    private static final int BATCH = 500;

    private final MlflowRest rest;
    private final MlflowRunTracker experiments;

    public MlflowEvaluationDatasets(MlflowConnection connection) {
        Objects.requireNonNull(connection, "connection");
        this.rest = new MlflowRest(connection);
        this.experiments = new MlflowRunTracker(connection);
    }

    /** Creates a dataset linked to an experiment (created when missing); returns its id ({@code d-...}). */
    public String create(String name, String experiment, Map<String, String> tags) {
        ObjectNode body = MlflowRest.object().put("name", Objects.requireNonNull(name, "name"));
        body.putArray("experiment_ids").add(experiments.experimentId(experiment));
        body.put("tags", write(tags == null ? Map.of() : tags));
        return rest.post(API + "/create", body).path("dataset").path("dataset_id").asText();
    }

    /** The id of the newest dataset with this name, if any. */
    public Optional<String> findByName(String name) {
        ObjectNode body = MlflowRest.object().put("filter_string", "name = '" + name.replace("'", "\\'") + "'")
                .put("max_results", 1);
        body.putArray("order_by").add("created_time DESC");
        JsonNode found = rest.post(API + "/search", body).path("datasets");
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0).path("dataset_id").asText());
    }

    /** Inserts the examples, or updates records with the same inputs; returns how many were inserted and updated. */
    public int merge(String datasetId, Dataset dataset) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Example e : dataset) {
            Map<String, Object> r = DatasetInputs.record(e);
            if (!e.tags().isEmpty()) {
                r.put("tags", e.tags());
            }
            records.add(r);
        }
        return upsert(datasetId, records);
    }

    /** Merges traces (their root span's inputs and outputs), each record sourced from its trace. */
    public int mergeTraces(String datasetId, List<MlflowTraces.Trace> traces) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (MlflowTraces.Trace t : traces) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("inputs", t.inputs());
            r.put("outputs", t.outputs());
            r.put("expectations", Map.of());
            r.put("source", Map.of("source_type", "TRACE", "source_data", Map.of("trace_id", t.traceId())));
            records.add(r);
        }
        return upsert(datasetId, records);
    }

    private int upsert(String datasetId, List<Map<String, Object>> records) {
        int changed = 0;
        for (int i = 0; i < records.size(); i += BATCH) {
            ObjectNode body = MlflowRest.object().put("records", write(records.subList(i, Math.min(records.size(), i + BATCH))));
            JsonNode r = rest.post(API + "/" + datasetId + "/records", body);
            changed += r.path("inserted_count").asInt() + r.path("updated_count").asInt();
        }
        return changed;
    }

    /** The dataset's records as a {@link Dataset}: example id = record id, outputs, expectations, tags. */
    public Dataset read(String datasetId) {
        JsonNode meta = rest.get(API + "/" + datasetId, Map.of()).path("dataset");
        List<Example> examples = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = rest.get(API + "/" + datasetId + "/records", MlflowRest.query("max_results", 1000, "page_token", token));
            JsonNode records;
            try {
                records = MlflowRest.mapper().readTree(page.path("records").asText("[]"));
            } catch (JsonProcessingException e) {
                throw new MlflowException("MLflow dataset " + datasetId + " at " + rest.server()
                        + ": records are not a JSON list: " + e.getOriginalMessage(), 200, "", false, e);
            }
            for (JsonNode r : records) {
                Map<String, Object> inputs = toMap(r.path("inputs"));
                // Python writes {} for a record made with expectations only: no reference output, so the reference
                // comes from expectations.expected_response.
                JsonNode out = r.get("outputs");
                boolean noOutputs = out == null || out.isNull() || (out.isContainerNode() && out.isEmpty())
                        || (out.isTextual() && out.asText().isEmpty());
                Object outputs = noOutputs ? null : MlflowRest.mapper().convertValue(out, Object.class);
                Map<String, Object> expectations = toMap(r.path("expectations"));
                Map<String, String> tags = new LinkedHashMap<>();
                r.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
                String source = r.path("source_type").asText("");
                if (source.equals("TRACE")) {
                    tags.put("mlflow.trace_id", r.path("source_id").asText());
                }
                String id = r.path("dataset_record_id").asText();
                examples.add(new Example(id, inputs, outputs, expectations, tags, "mlflow dataset " + datasetId + " record " + id));
            }
            token = page.path("next_page_token").asText(null);
        } while (token != null && !token.isEmpty());
        return Dataset.of(meta.path("name").asText(datasetId), examples);
    }

    /** Deletes a dataset. */
    public void delete(String datasetId) {
        rest.delete(API + "/" + datasetId, null);
    }

    private static Map<String, Object> toMap(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), MlflowRest.mapper().convertValue(e.getValue(), Object.class)));
        }
        return out;
    }

    private static String write(Object value) {
        try {
            return MlflowRest.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write records as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
