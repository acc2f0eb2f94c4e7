package dev.promptopt.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.promptopt.PromptVersion;
import dev.promptopt.mlflow.internal.MlflowRest;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code mlflow.linkedPrompts} tag value: a JSON list of {@code {"name": ..., "version": "3"}}, the
 * lineage MLflow keeps on runs and traces.
 *
 * <pre>{@code
 * String tag = LinkedPrompts.of(List.of(v2));   // [{"name":"sentiment","version":"2"}]
 * }</pre>
 */
public final class LinkedPrompts {
    /** The tag key. */
    public static final String TAG = "mlflow.linkedPrompts";

    private LinkedPrompts() {
    }

    /** The tag value for these versions. */
    public static String of(Collection<PromptVersion> versions) {
        return merge(null, versions);
    }

    /** An existing tag value (or null) with the versions added, no duplicates, order kept. */
    public static String merge(String current, Collection<PromptVersion> versions) {
        Set<List<String>> entries = new LinkedHashSet<>();
        if (current != null && !current.isBlank()) {
            try {
                for (JsonNode e : MlflowRest.mapper().readTree(current)) {
                    entries.add(List.of(e.path("name").asText(), e.path("version").asText()));
                }
            } catch (IOException e) {
                throw new MlflowException("invalid " + TAG + " tag value (expected a JSON list): " + current, 0, "", false, e);
            }
        }
        for (PromptVersion v : versions) {
            entries.add(List.of(v.name(), String.valueOf(v.version())));
        }
        ArrayNode array = MlflowRest.mapper().createArrayNode();
        for (List<String> e : entries) {
            array.addObject().put("name", e.get(0)).put("version", e.get(1));
        }
        return array.toString();
    }
}
