package dev.promptopt.core.internal.judges;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a judge's verdict from its answer, tolerantly: a JSON object first (bare, inside {@code ```json} fences,
 * or embedded in prose; single quotes and trailing commas allowed), then text patterns such as
 * {@code Verdict: yes} or {@code score: 7/10}. Never throws: an unreadable answer gives a verdict without a value.
 */
final class VerdictParser {
    /** Binary (yes/no) or a 1-10 scale. */
    enum Kind { BINARY, SCALE_1_10 }

    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .build();

    private static final Pattern FENCE = Pattern.compile("```(?:json|JSON)?\\s*(.*?)```", Pattern.DOTALL);
    private static final List<String> VERDICT_KEYS = List.of("verdict", "result", "decision", "equivalent", "correct",
            "pass", "passed", "passes", "meets_guidelines", "similar", "answer", "value", "score");
    private static final List<String> SCORE_KEYS = List.of("score", "rating", "similarity", "value", "verdict", "result");
    private static final List<String> RATIONALE_KEYS = List.of("rationale", "reason", "reasoning", "explanation",
            "justification", "analysis", "comment", "feedback");

    private static final String YES = "yes|true|pass|passed|passes|correct|equivalent|similar|match|matches|meets";
    private static final String NO = "no|false|fail|failed|fails|incorrect|not equivalent|not_equivalent|not similar"
            + "|dissimilar|mismatch|does not match|not correct";
    private static final Pattern TEXT_VERDICT = Pattern.compile(
            "(?i)\\b(?:verdict|answer|result|decision|judgement|judgment|equivalent|correct|pass(?:es)?|final answer)\\b"
                    + "\\s*[:=\\-]\\s*[*_\"'`]*\\s*(" + NO + "|" + YES + ")\\b");
    private static final Pattern LEADING_VERDICT = Pattern.compile("(?i)^[\\s*_\"'`#>]*(" + NO + "|" + YES + ")\\b");
    private static final Pattern TEXT_SCORE = Pattern.compile(
            "(?i)\\b(?:score|rating|similarity|sem_sim_10)\\b\\s*(?:is|of)?\\s*[:=\\-]?\\s*[*_\"'`]*\\s*(\\d+(?:\\.\\d+)?)\\s*(?:/\\s*10|out of 10)?");
    private static final Pattern FRACTION_SCORE = Pattern.compile("(?i)\\b(\\d+(?:\\.\\d+)?)\\s*(?:/\\s*10|out of 10)\\b");
    private static final Pattern BARE_NUMBER = Pattern.compile("^\\s*[*_\"'`]*(\\d+(?:\\.\\d+)?)[*_\"'`.]*\\s*$");
    private static final Pattern TEXT_RATIONALE = Pattern.compile(
            "(?is)\\b(?:rationale|reason|reasoning|explanation|justification)\\b\\s*[:=\\-]\\s*(.+)");

    private VerdictParser() {
    }

    static Verdict parse(String answer, Kind kind) {
        if (answer == null || answer.isBlank()) {
            return new Verdict(null, "", "", "unparseable");
        }
        Optional<Verdict> fromJson = fromJson(answer, kind);
        if (fromJson.isPresent()) {
            return fromJson.get();
        }
        return fromText(answer, kind);
    }

    private static Optional<Verdict> fromJson(String answer, Kind kind) {
        for (String candidate : jsonCandidates(answer)) {
            JsonNode node;
            try {
                node = LENIENT.readTree(candidate);
            } catch (Exception notJson) {
                continue;
            }
            if (node == null || !node.isObject()) {
                continue;
            }
            Map<String, JsonNode> fields = lowerCaseFields(node);
            String rationale = firstText(fields, RATIONALE_KEYS);
            for (String key : kind == Kind.BINARY ? VERDICT_KEYS : SCORE_KEYS) {
                JsonNode v = fields.get(key);
                if (v == null || v.isNull() || v.isContainerNode()) {
                    continue;
                }
                Double value = kind == Kind.BINARY ? binary(v) : scale(v);
                if (value != null) {
                    return Optional.of(new Verdict(value, rationale == null ? "" : rationale, v.asText(), "json"));
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> jsonCandidates(String answer) {
        List<String> out = new java.util.ArrayList<>();
        Matcher fence = FENCE.matcher(answer);
        while (fence.find()) {
            out.add(fence.group(1).trim());
        }
        int open = answer.indexOf('{');
        int close = answer.lastIndexOf('}');
        if (open >= 0 && close > open) {
            out.add(answer.substring(open, close + 1));
        }
        return out;
    }

    private static Map<String, JsonNode> lowerCaseFields(JsonNode node) {
        Map<String, JsonNode> fields = new java.util.LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            fields.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT).trim().replace(' ', '_').replace('-', '_'), e.getValue());
        }
        return fields;
    }

    private static String firstText(Map<String, JsonNode> fields, List<String> keys) {
        for (String k : keys) {
            JsonNode v = fields.get(k);
            if (v != null && !v.isNull()) {
                return v.isTextual() ? v.asText().strip() : v.toString();
            }
        }
        return null;
    }

    private static Double binary(JsonNode v) {
        if (v.isBoolean()) {
            return v.asBoolean() ? 1.0 : 0.0;
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            return d == 1 ? 1.0 : d == 0 ? 0.0 : null;
        }
        return binaryWord(v.asText());
    }

    private static Double binaryWord(String s) {
        String w = s.toLowerCase(Locale.ROOT).replaceAll("[*_\"'`.!]", " ").trim().replaceAll("\\s+", " ");
        if (w.matches("(?:" + NO + ")(?:\\b.*)?") ) {
            return 0.0;
        }
        if (w.matches("(?:" + YES + ")(?:\\b.*)?") || w.equals("1")) {
            return 1.0;
        }
        if (w.equals("0")) {
            return 0.0;
        }
        return null;
    }

    private static Double scale(JsonNode v) {
        if (v.isNumber()) {
            return normalize(v.asDouble());
        }
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)").matcher(v.asText());
        return m.find() ? normalize(Double.parseDouble(m.group(1))) : null;
    }

    /** 1..10 -> [0, 1]; anything else is not a valid score. */
    private static Double normalize(double score) {
        if (score < 1 || score > 10) {
            return null;
        }
        return (score - 1) / 9.0;
    }

    private static Verdict fromText(String answer, Kind kind) {
        String rationale = textRationale(answer);
        if (kind == Kind.BINARY) {
            Matcher m = TEXT_VERDICT.matcher(answer);
            if (m.find()) {
                Double v = binaryWord(m.group(1));
                if (v != null) {
                    return new Verdict(v, rationale, m.group(1), "text");
                }
            }
            Matcher lead = LEADING_VERDICT.matcher(answer);
            if (lead.find()) {
                Double v = binaryWord(lead.group(1));
                if (v != null) {
                    return new Verdict(v, rationale, lead.group(1), "text");
                }
            }
        } else {
            for (Pattern p : List.of(TEXT_SCORE, FRACTION_SCORE, BARE_NUMBER)) {
                Matcher m = p.matcher(answer);
                if (m.find()) {
                    Double v = normalize(Double.parseDouble(m.group(1)));
                    if (v != null) {
                        return new Verdict(v, rationale, m.group(1), "text");
                    }
                }
            }
        }
        return new Verdict(null, rationale, "", "unparseable");
    }

    private static String textRationale(String answer) {
        Matcher m = TEXT_RATIONALE.matcher(answer);
        String r = m.find() ? m.group(1) : answer;
        return r.strip();
    }
}
