package dev.promptopt.report.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Duration;
import java.time.Instant;

/**
 * Values shown in a report (outputs, inputs, costs, what an optimizer reported) as text: strings as they are,
 * scalars as their JSON text, anything else as indented JSON, and what Jackson cannot serialize as its
 * {@code toString()} (the page is for reading; nothing parses it back). Not public API.
 */
public final class ReportJson {
    // Durations and instants as ISO-8601 text, as result.json writes them, without jackson-datatype-jsr310.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .configure(SerializationFeature.INDENT_OUTPUT, true)
            .registerModule(new SimpleModule("report-time")
                    .addSerializer(Duration.class, ToStringSerializer.instance)
                    .addSerializer(Instant.class, ToStringSerializer.instance));

    private ReportJson() {
    }

    /** The value as text for a page. */
    public static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        try {
            JsonNode n = MAPPER.valueToTree(value);
            return n.isValueNode() ? n.asText() : MAPPER.writeValueAsString(n);
        } catch (IllegalArgumentException | JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
