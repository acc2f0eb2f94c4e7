package dev.promptopt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 * @param outputs      the reference output, or null; an empty one ({@code null} or an empty JSON object, as the
 *                     MLflow server returns for expectation-only records) is stored as null, see {@link #isEmptyOutput}
 * @param expectations named expectations (e.g. {@code expected_response}, {@code guidelines}); may be empty
 * @param tags         free-form tags
 * @param source       where the row came from, for error messages, e.g. {@code train.jsonl:12}; may be empty
 */
public record Example(String id, Map<String, Object> inputs, @Nullable Object outputs, Map<String, Object> expectations,
                      Map<String, String> tags, String source) {
    public Example {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("example id must not be blank" + (source == null || source.isEmpty() ? "" : " (" + source + ")"));
        }
        inputs = unmodifiable(Objects.requireNonNull(inputs, "inputs"));
        outputs = isEmptyOutput(outputs) ? null : outputs;
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

    /** True when this example has a non-empty {@code outputs} (see {@link #isEmptyOutput}). */
    public boolean hasOutputs() {
        return outputs != null;
    }

    /**
     * The reference answer, the one rule every reader and scorer uses: a non-empty {@code outputs}, else a non-empty
     * {@code expected_response} expectation (MLflow's convention), else null (no reference; scorers that need one
     * report the example before a run starts).
     */
    public Object referenceOutput() {
        if (outputs != null) {
            return outputs;
        }
        Object expected = expectations.get(EXPECTED_RESPONSE);
        return isEmptyOutput(expected) ? null : expected;
    }

    /** The expectation MLflow uses for the reference answer. */
    public static final String EXPECTED_RESPONSE = "expected_response";

    /**
     * Whether a value read as an example's {@code outputs} counts as absent: {@code null} or an empty map (the MLflow
     * server returns {@code "outputs": {}} for records whose reference lives in {@code expectations}). Readers that
     * skip rows without an output (traces to dataset) use this too.
     */
    public static boolean isEmptyOutput(Object value) {
        return value == null || value instanceof Map<?, ?> m && m.isEmpty();
    }

    /** "example 'id' (file:line)" for error messages. */
    public String describe() {
        return "example '" + id + "'" + (source.isEmpty() ? "" : " (" + source + ")");
    }
}
