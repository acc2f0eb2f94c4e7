package dev.promptopt.mlflow.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code runs/log-inputs} body for a dataset, shaped as {@code mlflow.log_input(mlflow.data.from_pandas(df,
 * source="prompt_optimization_train_data"), context="training")} sends it from {@code optimize_prompts}. Not public API.
 */
public final class DatasetInputs {
    /** The source Python's prompt optimization gives its training data. */
    public static final String SOURCE = "prompt_optimization_train_data";

    private DatasetInputs() {
    }

    public static ObjectNode body(String runId, Dataset dataset, String context) {
        List<Map<String, Object>> records = new ArrayList<>();
        int columns = 1;
        for (Example e : dataset) {
            Map<String, Object> r = record(e);
            columns = Math.max(columns, r.size());
            records.add(r);
        }
        String json;
        try {
            json = MlflowRest.mapper().writeValueAsString(records);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write dataset '" + dataset.name() + "' as JSON", e);
        }
        ObjectNode body = MlflowRest.object().put("run_id", runId);
        ObjectNode input = body.putArray("datasets").addObject();
        input.putArray("tags").addObject().put("key", "mlflow.data.context").put("value", context);
        ObjectNode ds = input.putObject("dataset");
        ds.put("name", dataset.name());
        ds.put("digest", digest(json));
        ds.put("source_type", "local");
        ds.put("source", MlflowRest.object().put("uri", SOURCE).toString());
        ds.put("profile", MlflowRest.object().put("num_rows", records.size())
                .put("num_elements", (long) records.size() * columns).toString());
        return body;
    }

    /**
     * An example as MLflow's dataset record: {@code inputs}, plus {@code outputs} and {@code expectations} when
     * present; a mutable map so the caller can add fields.
     */
    public static Map<String, Object> record(Example e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("inputs", e.inputs());
        if (e.outputs() != null) {
            r.put("outputs", e.outputs());
        }
        if (!e.expectations().isEmpty()) {
            r.put("expectations", e.expectations());
        }
        return r;
    }

    private static String digest(String content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
