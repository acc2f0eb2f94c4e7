package dev.promptopt.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The prompt tag {@code _mlflow_experiment_ids} ({@code ",1,7,"}) that puts a prompt in an experiment's Prompts tab
 * and answers {@code search_prompts(filter_string="experiment_id = '1'")}; MLflow's Python client adds the active
 * experiment when it registers or loads a prompt. Not public API.
 */
public final class PromptExperiments {
    public static final String TAG = "_mlflow_experiment_ids";
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

    private PromptExperiments() {
    }

    /** Adds the experiment to the prompt's list (one read, and one write when it is new there). */
    public static void link(MlflowRest rest, String promptName, String experimentId) {
        synchronized (LOCKS.computeIfAbsent(rest.server() + "\u0000" + promptName, k -> new Object())) {
            JsonNode model = rest.get("/api/2.0/mlflow/registered-models/get", MlflowRest.query("name", promptName))
                    .path("registered_model");
            String current = "";
            for (JsonNode t : model.path("tags")) {
                if (t.path("key").asText().equals(TAG)) {
                    current = t.path("value").asText();
                }
            }
            List<String> ids = new ArrayList<>();
            for (String id : current.split(",")) {
                if (!id.isBlank()) {
                    ids.add(id.strip());
                }
            }
            if (ids.contains(experimentId)) {
                return;
            }
            ids.add(experimentId);
            rest.post("/api/2.0/mlflow/registered-models/set-tag", MlflowRest.object().put("name", promptName)
                    .put("key", TAG).put("value", "," + String.join(",", ids) + ","));
        }
    }
}
