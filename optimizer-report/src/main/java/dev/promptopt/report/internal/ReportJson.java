package dev.promptopt.report.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.promptopt.core.io.JsonSupport;

/**
 * Values shown in a report (outputs, inputs, costs, what an optimizer reported) as text: strings as they are,
 * scalars as their JSON text, anything else as indented JSON in core's form (result.json's), and what Jackson
 * cannot serialize as its {@code toString()} (the page is for reading; nothing parses it back). Not public API.
 */
public final class ReportJson {
    private ReportJson() {
    }

    /** The value as text for a page. */
    public static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        try {
            JsonNode n = JsonSupport.mapper().valueToTree(value);
            return n.isValueNode() ? n.asText() : JsonSupport.fileWriter().writeValueAsString(n);
        } catch (IllegalArgumentException | JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
