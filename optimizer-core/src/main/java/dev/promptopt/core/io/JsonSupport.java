package dev.promptopt.core.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import dev.promptopt.PromptOptimizerException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * The Jackson setup core shares: unknown properties are ignored (files written by a newer version
 * still load), records work, and {@link Instant}/{@link Duration} are ISO-8601 strings without
 * needing jackson-datatype-jsr310. Shared with the modules built on core.
 *
 * <pre>{@code
 * JsonNode tree = JsonSupport.mapper().readTree(text);
 * JsonSupport.writeJson(Path.of("out/result.json"), result);   // pretty, atomic
 * }</pre>
 */
public final class JsonSupport {
    private static final ObjectMapper MAPPER = newMapper();
    private static final ObjectWriter FILE_WRITER = MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT);

    private JsonSupport() {
    }

    /** The shared mapper (thread-safe; do not reconfigure it). Writes compact JSON. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A fresh mapper with core's configuration, for callers that need to add modules. */
    public static ObjectMapper newMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        mapper.configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
        mapper.registerModule(timeModule());
        return mapper;
    }

    /** A writer for files people may read: indented. */
    public static ObjectWriter fileWriter() {
        return FILE_WRITER;
    }

    /** The value as indented JSON bytes (UTF-8). */
    public static byte[] toFileBytes(Object value) {
        try {
            return FILE_WRITER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new PromptOptimizerException("cannot write a " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Replaces a file atomically (temp file in the same folder, then rename); creates missing folders.
     *
     * @throws PromptOptimizerException naming the file when it cannot be written
     */
    public static void writeAtomically(Path file, byte[] content) {
        try {
            AtomicFiles.write(file, content);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot write file " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    /** Writes the value as indented JSON, atomically. */
    public static void writeJson(Path file, Object value) {
        writeAtomically(file, toFileBytes(value));
    }

    /**
     * Reads a JSON file.
     *
     * @param what what the file holds, for messages ("checkpoint", "prompt version")
     * @throws PromptOptimizerException naming the file when it cannot be read or is not valid JSON
     */
    public static JsonNode readTree(Path file, String what) {
        try {
            JsonNode node = MAPPER.readTree(file.toFile());
            if (node == null || node.isMissingNode()) {
                throw new PromptOptimizerException("corrupt " + what + " file " + file.toAbsolutePath()
                        + ": it is empty, expected a JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new PromptOptimizerException("corrupt " + what + " file " + file.toAbsolutePath()
                    + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot read " + what + " file " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    private static SimpleModule timeModule() {
        SimpleModule module = new SimpleModule("promptopt-time");
        module.addSerializer(Instant.class, new ToStringSerializer<>(Instant.class));
        module.addDeserializer(Instant.class, new ParsingDeserializer<>(Instant.class, Instant::parse));
        module.addSerializer(Duration.class, new ToStringSerializer<>(Duration.class));
        module.addDeserializer(Duration.class, new ParsingDeserializer<>(Duration.class, Duration::parse));
        return module;
    }

    private static final class ToStringSerializer<T> extends StdScalarSerializer<T> {
        ToStringSerializer(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
        }
    }

    private static final class ParsingDeserializer<T> extends StdScalarDeserializer<T> {
        private final Class<T> type;
        private final transient Function<String, T> parser;

        ParsingDeserializer(Class<T> type, Function<String, T> parser) {
            super(type);
            this.type = type;
            this.parser = parser;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return type.cast(ctxt.handleUnexpectedToken(type, p));
            }
            String text = p.getText().trim();
            try {
                return parser.apply(text);
            } catch (DateTimeParseException e) {
                return type.cast(ctxt.handleWeirdStringValue(type, text,
                        "expected an ISO-8601 " + type.getSimpleName() + ": " + e.getMessage()));
            }
        }
    }
}
