package dev.promptopt.fewshot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One worked example shown to the model inside a prompt: the inputs of a training example and the answer we want.
 *
 * <pre>{@code
 * Demonstration d = new Demonstration("s01", Map.of("text", "I love it"), "positive");
 * }</pre>
 *
 * @param exampleId the training example it came from
 * @param inputs    the template variables' values
 * @param output    the answer, as text
 */
public record Demonstration(String exampleId, Map<String, Object> inputs, String output) {
    public Demonstration {
        Objects.requireNonNull(exampleId, "exampleId");
        Objects.requireNonNull(output, "output");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(inputs, "inputs")));
    }
}
