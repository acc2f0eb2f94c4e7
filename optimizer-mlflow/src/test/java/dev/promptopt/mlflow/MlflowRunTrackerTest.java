package dev.promptopt.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptopt.RunTracker;
import dev.promptopt.TrackedRun;
import dev.promptopt.core.contract.RunTrackerContract;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The run tracker contract against a real MLflow server, reading runs back over REST. */
@ExtendWith(MlflowServerExtension.class)
class MlflowRunTrackerTest extends RunTrackerContract {
    private static MlflowServer server;

    @BeforeAll
    static void server(MlflowServer s) {
        server = s;
    }

    @Override
    protected RunTracker newTracker() {
        return new MlflowRunTracker(server.connection());
    }

    @Override
    protected RecordedRun readBack(String experiment, TrackedRun run) {
        MlflowRunTracker reader = new MlflowRunTracker(server.connection());
        JsonNode r = reader.getRun(run.id());
        Map<String, String> params = new LinkedHashMap<>();
        r.path("data").path("params").forEach(p -> params.put(p.path("key").asText(), p.path("value").asText()));
        Map<String, String> tags = new LinkedHashMap<>();
        r.path("data").path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        List<MetricPoint> metrics = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        r.path("data").path("metrics").forEach(m -> keys.add(m.path("key").asText()));
        for (String key : keys) {
            List<JsonNode> history = new ArrayList<>();
            reader.metricHistory(run.id(), key).forEach(history::add);
            history.sort(Comparator.comparingLong((JsonNode m) -> m.path("step").asLong())
                    .thenComparingLong(m -> m.path("timestamp").asLong()));
            history.forEach(m -> metrics.add(new MetricPoint(key, m.path("value").asDouble(), m.path("step").asLong())));
        }
        return new RecordedRun(r.path("info").path("status").asText(), params, tags, metrics);
    }

    @Override
    protected byte[] readArtifact(String experiment, TrackedRun run, String path) {
        return ((MlflowRun) run).readArtifact(path);
    }
}
