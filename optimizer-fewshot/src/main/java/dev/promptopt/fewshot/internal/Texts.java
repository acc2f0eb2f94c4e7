package dev.promptopt.fewshot.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Model outputs and reference outputs as the text a prompt shows. */
public final class Texts {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Texts() {
    }

    /** A string as it is; anything else as JSON. */
    public static String of(Object value) {
        if (value instanceof String s) {
            return s;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }
}
