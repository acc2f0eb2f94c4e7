package dev.promptopt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a dataset: inputs for the predict function, and what we want back: a reference
 * output and/or expectations.
 *
 * <pre>{@code
 * Example e = Example.of("r1", Map.of("text", "I love it"), "positive");
 * }</pre>
 *
 * @param id           stable id, unique within a dataset
 * @param inputs       the predict function's arguments (template variables)
 * @param outputs      the reference output, or null
 * @param expectations named expectations (e.g. {@code expected_response}, {@code guidelines}); may be empty
 * @param tags         free-form tags
 * @param source       where the row came from, for error messages, e.g. {@code train.jsonl:12}; may be empty
 */
public record Example(String id, Map<String, Object> inputs, Object outputs, Map<String, Object> expectations,
                      Map<String, String> tags, String source) {
    public Example {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("example id must not be blank" + (source == null || source.isEmpty() ? "" : " (" + source + ")"));
        }
        inputs = unmodifiable(Objects.requireNonNull(inputs, "inputs"));
        expectations = unmodifiable(expectations == null ? Map.of() : expectations);
        tags = Map.copyOf(tags == null ? Map.of() : tags);
        source = source == null ? "" : source;
    }

    private static Map<String, Object> unmodifiable(Map<String, ?> map) {
        // LinkedHashMap keeps the user's order and allows null values, which JSON can hold.
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    public static Example of(String id, Map<String, ?> inputs, Object outputs) {
        return new Example(id, Collections.unmodifiableMap(new LinkedHashMap<>(inputs)), outputs, Map.of(), Map.of(), "");
    }

    public static Example withExpectations(String id, Map<String, ?> inputs, Map<String, ?> expectations) {
        return new Example(id, Collections.unmodifiableMap(new LinkedHashMap<>(inputs)), null,
                Collections.unmodifiableMap(new LinkedHashMap<>(expectations)), Map.of(), "");
    }

    public boolean hasOutputs() {
        return outputs != null;
    }

    /**
     * The reference answer: {@code outputs}, else the {@code expected_response} expectation (MLflow's convention), else null.
     */
    public Object referenceOutput() {
        return outputs != null ? outputs : expectations.get("expected_response");
    }

    /** "example 'id' (file:line)" for error messages. */
    public String describe() {
        return "example '" + id + "'" + (source.isEmpty() ? "" : " (" + source + ")");
    }
}
