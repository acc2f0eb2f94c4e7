package dev.promptopt.core.internal.scorers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SAP's {@code JSON_Match}: the output and the reference are JSON objects, compared field by field
 * (top-level keys).
 *
 * <ul>
 *   <li>A field matches when both objects have it and the values are equal: numbers compare by value
 *       ({@code 1} equals {@code 1.0}), objects ignore key order, arrays keep their order, and a string
 *       never equals a number ({@code "5"} is not {@code 5}).</li>
 *   <li>precision = matching fields / fields in the output; recall = matching fields / fields in the
 *       reference; the value is F1 = 2PR / (P + R), 0 when nothing matches, 1 when both are empty.</li>
 *   <li>The output may be wrapped in a Markdown code fence ({@code ```json ... ```}) or surrounded by
 *       prose: the fenced block, else the text from the first '{' to the last '}', is parsed.</li>
 *   <li>An output that is not a JSON object scores 0 with the parse error as the rationale.</li>
 * </ul>
 * The reference may be a JSON string (SAP's {@code answer}) or a map. The rationale names each wrong,
 * missing and unexpected field with the expected and actual values, for the reflection step.
 */
public final class JsonMatchScorer extends ReferenceScorer {
    private static final Pattern FENCE = Pattern.compile("```[A-Za-z0-9_-]*\\s*\\n?(.*?)```", Pattern.DOTALL);
    private static final int MAX_VALUE = 80;

    public JsonMatchScorer() {
        super("json_match");
    }

    @Override
    public List<String> missingRequirements(Example example) {
        Object ref = example.referenceOutput();
        if (ref == null) {
            return List.of(NEEDS_REFERENCE);
        }
        try {
            parseObject(ref);
            return List.of();
        } catch (NotAnObject e) {
            return List.of("a reference output that is a JSON object (" + e.getMessage() + ")");
        }
    }

    @Override
    public Feedback score(Example example, Object output) {
        JsonNode expected;
        try {
            expected = parseObject(example.referenceOutput());
        } catch (NotAnObject e) {
            return Feedback.fail("the reference output is not a JSON object: " + e.getMessage());
        }
        JsonNode actual;
        try {
            actual = parseObject(output);
        } catch (NotAnObject e) {
            return Feedback.fail("output is not a JSON object: " + e.getMessage() + "; got " + Texts.show(Texts.asText(output)));
        }
        return compare(expected, actual);
    }

    private static Feedback compare(JsonNode expected, JsonNode actual) {
        List<String> matching = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode got = actual.get(e.getKey());
            if (got == null) {
                missing.add("'" + e.getKey() + "' (expected " + show(e.getValue()) + ")");
            } else if (same(e.getValue(), got)) {
                matching.add(e.getKey());
            } else {
                String types = e.getValue().getNodeType() != got.getNodeType()
                        ? " (expected a " + type(e.getValue()) + ", got a " + type(got) + ")" : "";
                wrong.add("'" + e.getKey() + "': expected " + show(e.getValue()) + ", got " + show(got) + types);
            }
        }
        actual.fieldNames().forEachRemaining(k -> {
            if (!expected.has(k)) {
                extra.add("'" + k + "'");
            }
        });
        int nOut = actual.size();
        int nRef = expected.size();
        int m = matching.size();
        double precision = nOut == 0 ? (nRef == 0 ? 1 : 0) : (double) m / nOut;
        double recall = nRef == 0 ? (nOut == 0 ? 1 : 0) : (double) m / nRef;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

        StringBuilder why = new StringBuilder();
        if (wrong.isEmpty() && missing.isEmpty() && extra.isEmpty()) {
            why.append("all ").append(nRef).append(" fields match the reference");
        } else {
            why.append(m).append(" of ").append(nRef).append(" reference fields match (precision ")
                    .append(round(precision)).append(", recall ").append(round(recall)).append(", F1 ")
                    .append(round(f1)).append(").");
            if (!wrong.isEmpty()) {
                why.append(" Wrong values: ").append(String.join("; ", wrong)).append('.');
            }
            if (!missing.isEmpty()) {
                why.append(" Missing fields: ").append(String.join(", ", missing)).append('.');
            }
            if (!extra.isEmpty()) {
                why.append(" Unexpected fields: ").append(String.join(", ", extra)).append('.');
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("precision", precision);
        details.put("recall", recall);
        details.put("f1", f1);
        details.put("matching_fields", List.copyOf(matching));
        return new Feedback(f1, why.toString(), details);
    }

    /** Structural equality where numbers compare by value. */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> it = a.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode other = b.get(e.getKey());
                if (other == null || !same(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static JsonNode parseObject(Object value) throws NotAnObject {
        if (value == null) {
            throw new NotAnObject("it is empty (null)");
        }
        JsonNode node;
        if (value instanceof JsonNode n) {
            node = n;
        } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
            node = Texts.MAPPER.valueToTree(value);
        } else {
            node = parseText(Texts.asText(value));
        }
        if (!node.isObject()) {
            throw new NotAnObject("expected a JSON object, found " + type(node));
        }
        return node;
    }

    /** Parses the text, else a fenced block in it, else the span from the first '{' to the last '}'. */
    private static JsonNode parseText(String text) throws NotAnObject {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new NotAnObject("it is empty");
        }
        NotAnObject firstError;
        try {
            return parse(s);
        } catch (NotAnObject e) {
            firstError = e;
        }
        Matcher fence = FENCE.matcher(s);
        if (fence.find()) {
            return parse(fence.group(1).strip());
        }
        int open = s.indexOf('{');
        int close = s.lastIndexOf('}');
        if (open >= 0 && close > open && (open > 0 || close < s.length() - 1)) {
            try {
                return parse(s.substring(open, close + 1));
            } catch (NotAnObject ignored) {
                // Report the error for the whole text: it is what the model wrote.
            }
        }
        throw firstError;
    }

    private static JsonNode parse(String s) throws NotAnObject {
        try (JsonParser p = Texts.MAPPER.createParser(s)) {
            JsonNode node = Texts.MAPPER.readTree(p);
            if (node == null || node.isMissingNode()) {
                throw new NotAnObject("it is empty");
            }
            if (p.nextToken() != null) {
                throw new NotAnObject("invalid JSON: unexpected text after the JSON value at column "
                        + p.currentTokenLocation().getColumnNr());
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new NotAnObject("invalid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new NotAnObject("invalid JSON: " + e.getMessage());
        }
    }

    private static String type(JsonNode n) {
        return switch (n.getNodeType()) {
            case OBJECT -> "object";
            case ARRAY -> "array";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String show(JsonNode n) {
        String s = n.toString();
        return s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE) + "...";
    }

    private static String round(double d) {
        return String.format(java.util.Locale.ROOT, "%.2f", d);
    }

    /** Why a value is not a JSON object; the message goes into a rationale. */
    private static final class NotAnObject extends Exception {
        NotAnObject(String message) {
            super(message, null, false, false);
        }
    }
}
