package dev.promptopt.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenTelemetry {@code AnyValue} in OTLP/JSON, both ways, for the attribute values MLflow reads from spans
 * ({@code mlflow.spanInputs}, {@code mlflow.spanOutputs}). Not public API.
 */
public final class Otlp {
    private Otlp() {
    }

    /** A Java value (String, Number, Boolean, Map, List, null, or anything Jackson can write) as an AnyValue. */
    public static ObjectNode anyValue(Object value) {
        return anyValue(MlflowRest.mapper().valueToTree(value));
    }

    public static ObjectNode anyValue(JsonNode node) {
        ObjectNode out = MlflowRest.object();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return out;
        }
        if (node.isTextual()) {
            out.put("stringValue", node.asText());
        } else if (node.isBoolean()) {
            out.put("boolValue", node.asBoolean());
        } else if (node.isIntegralNumber() && node.canConvertToLong()) {
            out.put("intValue", node.asText());
        } else if (node.isNumber()) {
            out.put("doubleValue", node.asDouble());
        } else if (node.isArray()) {
            ArrayNode values = out.putObject("arrayValue").putArray("values");
            node.forEach(v -> values.add(anyValue(v)));
        } else if (node.isObject()) {
            ArrayNode values = out.putObject("kvlistValue").putArray("values");
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                values.addObject().put("key", e.getKey()).set("value", anyValue(e.getValue()));
            }
        } else {
            out.put("stringValue", node.asText());
        }
        return out;
    }

    /** An attribute: {"key": ..., "value": AnyValue}. */
    public static ObjectNode attribute(String key, Object value) {
        ObjectNode a = MlflowRest.object().put("key", key);
        a.set("value", value instanceof JsonNode j ? anyValue(j) : anyValue(value));
        return a;
    }

    /**
     * Decodes an AnyValue as the server returns it ({@code string_value}, {@code kvlist_value}, ...; the
     * camelCase spellings are accepted too) into String, Long, Double, Boolean, Map, List or null.
     */
    public static Object decode(JsonNode any) {
        if (any == null || any.isNull() || any.isMissingNode() || any.isEmpty()) {
            return null;
        }
        Map.Entry<String, JsonNode> e = any.fields().next();
        String kind = e.getKey().replace("_", "").toLowerCase(java.util.Locale.ROOT);
        JsonNode v = e.getValue();
        switch (kind) {
            case "stringvalue":
                return v.asText();
            case "boolvalue":
                return v.asBoolean();
            case "intvalue":
                return v.asLong();
            case "doublevalue":
                return v.asDouble();
            case "arrayvalue": {
                List<Object> list = new ArrayList<>();
                v.path("values").forEach(x -> list.add(decode(x)));
                return list;
            }
            case "kvlistvalue": {
                Map<String, Object> map = new LinkedHashMap<>();
                v.path("values").forEach(kv -> map.put(kv.path("key").asText(), decode(kv.path("value"))));
                return map;
            }
            default:
                return v.asText();
        }
    }
}
