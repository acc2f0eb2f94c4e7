package dev.promptopt.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.CandidateRecord;
import dev.promptopt.ChatMessage;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.ExampleResult;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.core.io.JsonSupport;
import java.util.List;
import java.util.Map;

/** JSON forms of results and evaluation rows, with the same names as the API's record components. */
public final class ResultRecords {
    private static final ObjectMapper M = JsonSupport.mapper();

    private ResultRecords() {
    }

    public static ObjectNode toJson(OptimizationResult r) {
        ObjectNode n = M.createObjectNode();
        n.put("runId", r.runId());
        n.put("optimizer", r.optimizer());
        n.set("initialPrompts", versions(r.initialPrompts()));
        n.set("optimizedPrompts", versions(r.optimizedPrompts()));
        n.set("bestTemplates", templates(r.bestTemplates()));
        n.put("initialScore", r.initialScore());
        n.put("finalScore", r.finalScore());
        n.put("improved", r.improved());
        n.set("initialScores", M.valueToTree(r.initialScores()));
        n.set("finalScores", M.valueToTree(r.finalScores()));
        ArrayNode cands = n.putArray("candidates");
        for (CandidateRecord c : r.candidates()) {
            ObjectNode cn = cands.addObject();
            cn.put("index", c.index());
            cn.set("parents", M.valueToTree(c.parents()));
            cn.put("origin", c.origin());
            cn.put("score", c.score());
            cn.put("foundAtMetricCall", c.foundAtMetricCall());
            cn.set("templates", templates(c.templates()));
            cn.set("validationScores", M.valueToTree(c.validationScores()));
        }
        n.put("bestCandidate", r.bestCandidate());
        n.put("metricCalls", r.metricCalls());
        n.put("stopReason", r.stopReason().kind().name());
        n.put("stopDescription", r.stopReason().description());
        n.put("durationMillis", r.duration().toMillis());
        n.set("stats", toTree(r.stats()));
        n.set("usage", toTree(r.usage()));
        n.set("optimizerStats", toTree(r.optimizerStats()));
        return n;
    }

    /** One row per example: id, inputs, output, score, per-scorer value and rationale, error, measured usage. */
    public static ArrayNode rows(EvaluationBatch batch) {
        return rows(batch.results());
    }

    public static ArrayNode rows(List<ExampleResult> results) {
        ArrayNode rows = M.createArrayNode();
        for (ExampleResult r : results) {
            ObjectNode row = rows.addObject();
            row.put("id", r.example().id());
            row.set("inputs", toTree(r.example().inputs()));
            row.set("output", toTree(r.output()));
            row.set("reference", toTree(r.example().referenceOutput()));
            row.put("score", r.score());
            ObjectNode fb = row.putObject("feedback");
            r.feedback().forEach((name, f) -> {
                ObjectNode o = fb.putObject(name);
                o.put("value", f.value());
                o.put("rationale", f.rationale());
            });
            if (r.error() != null) {
                row.put("error", r.error());
            }
            if (r.usage().measured()) {
                ObjectNode usage = row.putObject("usage").put("calls", r.usage().calls())
                        .put("inputTokens", r.usage().tokens().inputTokens())
                        .put("outputTokens", r.usage().tokens().outputTokens())
                        .put("costUsd", r.usage().costUsd());
                if (!r.usage().tokens().complete()) {
                    usage.put("unreportedCalls", r.usage().tokens().unreportedCalls());
                }
            }
        }
        return rows;
    }

    public static ObjectNode templates(PromptSet set) {
        ObjectNode n = M.createObjectNode();
        for (Map.Entry<String, PromptTemplate> e : set.asMap().entrySet()) {
            n.set(e.getKey(), template(e.getValue()));
        }
        return n;
    }

    public static ObjectNode template(PromptTemplate t) {
        ObjectNode n = M.createObjectNode();
        n.put("type", t.isChat() ? "chat" : "text");
        if (t.isChat()) {
            ArrayNode msgs = n.putArray("messages");
            for (ChatMessage m : t.messages()) {
                msgs.addObject().put("role", m.role()).put("content", m.content());
            }
        } else {
            n.put("template", t.text());
        }
        return n;
    }

    private static ArrayNode versions(List<PromptVersion> versions) {
        ArrayNode a = M.createArrayNode();
        versions.forEach(v -> a.add(v.uri()));
        return a;
    }

    /**
     * An output as the journal gives it back: JSON types only (maps, lists, strings, numbers, booleans, null).
     * The engine hands this form to optimizers on the live path too, so an output reads the same whether it was
     * just computed or restored after a resume (a record and the map it becomes would render differently).
     */
    public static Object normalize(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        try {
            return M.convertValue(M.readTree(M.writeValueAsString(toTree(value))), Object.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** Any value as JSON; what Jackson cannot serialize becomes its text (scoring already happened). */
    public static JsonNode toTree(Object value) {
        try {
            return M.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return M.getNodeFactory().textNode(String.valueOf(value));
        }
    }
}
