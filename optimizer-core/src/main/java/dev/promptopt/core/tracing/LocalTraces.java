package dev.promptopt.core.tracing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptSet;
import dev.promptopt.core.io.JsonSupport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traces of a {@link PredictFn} in a local folder: the embedded default of MLflow traces
 * ({@code dev.promptopt.mlflow.MlflowTracing} / {@code MlflowTraces}). Each call becomes one JSON line in
 * {@code <dir>/<experiment>/traces.jsonl}: the trace id, the start time, the inputs, the output or the error, the
 * prompt templates the call was given (name to text), and the latency in milliseconds.
 *
 * <p>The main use is model migration: record what the original model answers in production, then turn those
 * answers into the reference outputs of a training set for the new model.
 *
 * <pre>{@code
 * LocalTraces traces = LocalTraces.inDirectory(Path.of("traces"));
 * PredictFn traced = traces.wrap(predict, "sentiment-prod");   // same behaviour, every call recorded
 * ... run the application with traced ...
 * Dataset train = traces.toDataset("sentiment-prod");          // inputs + the original outputs
 * PromptOptimizer.builder().predictFn(newModelPredict).trainData(train)
 *     .scorers(Scorers.equivalence(judge)) ...
 * }</pre>
 *
 * <p>Writes are thread-safe (also across instances on the same folder, and guarded by a file lock against other
 * processes); each trace is appended and flushed before the call returns. A failure to write a trace never changes
 * what the predict function returns or throws: it is logged as a warning. A line left half-written by a crash at
 * the end of the file is ignored by readers and cut off before the next append; any other unreadable line is an
 * error naming the file and the line.
 */
public final class LocalTraces {
    /** The file name of an experiment's traces inside its folder. */
    public static final String FILE_NAME = "traces.jsonl";
    /** The tag that holds the trace id on examples made by {@link #toDataset(String)}. */
    public static final String TRACE_ID_TAG = "promptopt.trace_id";

    private static final Logger log = LoggerFactory.getLogger(LocalTraces.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path directory;

    private LocalTraces(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** Traces under {@code directory} (created on the first write), one sub-folder per experiment. */
    public static LocalTraces inDirectory(Path directory) {
        return new LocalTraces(Objects.requireNonNull(directory, "directory"));
    }

    /** The folder this instance reads and writes. */
    public Path directory() {
        return directory;
    }

    /** The traces file of an experiment ({@code <dir>/<experiment>/traces.jsonl}); it may not exist yet. */
    public Path file(String experiment) {
        return directory.resolve(checkExperiment(experiment)).resolve(FILE_NAME);
    }

    /**
     * One recorded call.
     *
     * @param traceId   {@code tr-} and 32 hex digits, as MLflow names traces
     * @param timestamp when the call started
     * @param inputs    the predict function's inputs
     * @param output    what it returned (strings, numbers, booleans, lists and maps as JSON gives them back); null
     *                  for a failed call
     * @param error     {@code ExceptionType: message} for a failed call, else null
     * @param prompts   the templates the call was given, name to text
     * @param latencyMs how long the call took
     * @param line      the line of {@code traces.jsonl} the trace was read from (1-based; 0 for one not read from a file)
     */
    public record Trace(String traceId, Instant timestamp, Map<String, Object> inputs, Object output, String error,
                        Map<String, String> prompts, long latencyMs, int line) {
        public Trace {
            Objects.requireNonNull(traceId, "traceId");
            inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs == null ? Map.of() : inputs));
            prompts = Collections.unmodifiableMap(new LinkedHashMap<>(prompts == null ? Map.of() : prompts));
        }

        /** Whether the call returned normally. */
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * {@code predict} with each call recorded in {@code experiment}. The returned function returns and throws
     * exactly what {@code predict} does.
     */
    public PredictFn wrap(PredictFn predict, String experiment) {
        Objects.requireNonNull(predict, "predict");
        checkExperiment(experiment);
        return CallTracing.wrap(predict,
                (inputs, prompts, output, error, start, durationNanos) ->
                        record(experiment, inputs, prompts, output, error, start, durationNanos),
                (failure, callFailed) -> log.warn("could not write a trace to {}: {}", file(experiment), failure.getMessage()));
    }

    /**
     * Appends one trace and returns its id. {@link #wrap} calls this; call it directly to trace code that is not a
     * {@link PredictFn}.
     *
     * @throws PromptOptimizerException naming the file when it cannot be written
     */
    public String record(String experiment, Map<String, ?> inputs, PromptSet prompts, Object output, Throwable error,
                         Instant start, long durationNanos) {
        Path file = file(experiment);
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String traceId = "tr-" + HexFormat.of().formatHex(id);

        ObjectMapper mapper = JsonSupport.mapper();
        ObjectNode line = mapper.createObjectNode();
        line.put("trace_id", traceId);
        line.put("timestamp", (start == null ? Instant.now() : start).toString());
        line.put("status", error == null ? "OK" : "ERROR");
        ObjectNode in = line.putObject("inputs");
        if (inputs != null) {
            inputs.forEach((k, v) -> in.set(k, toJson(mapper, v)));
        }
        if (error == null) {
            line.set("output", toJson(mapper, output));
        } else {
            line.put("error", describe(error));
        }
        ObjectNode templates = line.putObject("prompts");
        if (prompts != null) {
            prompts.asMap().forEach((n, t) -> templates.put(n, t.text()));
        }
        line.put("latency_ms", Math.max(0, durationNanos) / 1_000_000L);
        byte[] bytes;
        try {
            bytes = (mapper.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("cannot write trace " + traceId + " of experiment '" + experiment
                    + "': its inputs or output cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        append(file, bytes);
        return traceId;
    }

    /**
     * The traces of an experiment in the order they were written; empty when it has none.
     *
     * @throws InvalidInputException for an unreadable line, naming the file and the line (a torn last line is ignored)
     */
    public List<Trace> read(String experiment) {
        Path file = file(experiment);
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot read traces " + file + ": " + e, e);
        }
        ObjectMapper mapper = JsonSupport.mapper();
        List<Trace> traces = new ArrayList<>();
        String[] lines = content.split("\n", -1);
        // content ends with "\n" when every line is complete, so the last element is then "".
        for (int i = 0; i < lines.length; i++) {
            String text = lines[i].strip();
            if (text.isEmpty()) {
                continue;
            }
            int lineNo = i + 1;
            boolean lastAndTorn = i == lines.length - 1;   // no newline after it: the write did not finish
            try {
                traces.add(parse(mapper.readTree(text), lineNo));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                if (lastAndTorn) {
                    log.warn("ignoring the unfinished last line {} of {}", lineNo, file);
                    continue;
                }
                String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new InvalidInputException(file + ":" + lineNo + ": not a trace: " + why);
            }
        }
        return List.copyOf(traces);
    }

    /**
     * The successful traces of an experiment as a dataset named after it: the inputs, and the original output as
     * {@code outputs}. Example ids are the trace ids (also in tag {@value #TRACE_ID_TAG}); sources are
     * {@code traces.jsonl:<line>}. Failed calls and calls that returned null are skipped, and counted in a log line.
     */
    public Dataset toDataset(String experiment) {
        List<Example> examples = new ArrayList<>();
        int failed = 0;
        int withoutOutput = 0;
        for (Trace t : read(experiment)) {
            if (!t.ok()) {
                failed++;
                continue;
            }
            if (Example.isEmptyOutput(t.output())) {
                withoutOutput++;
                continue;
            }
            examples.add(new Example(t.traceId(), t.inputs(), t.output(), Map.of(), Map.of(TRACE_ID_TAG, t.traceId()),
                    FILE_NAME + ":" + t.line()));
        }
        if (failed > 0 || withoutOutput > 0) {
            log.info("traces of '{}': {} examples; skipped {} failed calls and {} calls without output",
                    experiment, examples.size(), failed, withoutOutput);
        }
        return Dataset.of(experiment, examples);
    }

    // ----- internals ---------------------------------------------------------------------------------------

    private static Trace parse(JsonNode node, int line) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got " + node.getNodeType().name().toLowerCase());
        }
        String traceId = node.path("trace_id").asText("");
        if (traceId.isEmpty()) {
            throw new IllegalArgumentException("missing field 'trace_id'");
        }
        JsonNode inputs = node.path("inputs");
        if (!inputs.isObject()) {
            throw new IllegalArgumentException("field 'inputs' must be a JSON object");
        }
        ObjectMapper mapper = JsonSupport.mapper();
        Map<String, Object> in = new LinkedHashMap<>();
        inputs.fields().forEachRemaining(e -> in.put(e.getKey(), plain(mapper, e.getValue())));
        Map<String, String> prompts = new LinkedHashMap<>();
        node.path("prompts").fields().forEachRemaining(e -> prompts.put(e.getKey(), e.getValue().asText()));
        String error = node.hasNonNull("error") ? node.get("error").asText()
                : "ERROR".equals(node.path("status").asText()) ? "error" : null;
        Instant timestamp;
        try {
            timestamp = node.hasNonNull("timestamp") ? Instant.parse(node.get("timestamp").asText()) : null;
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("field 'timestamp' is not an ISO-8601 instant: " + node.get("timestamp").asText());
        }
        Object output = error == null ? plain(mapper, node.get("output")) : null;
        return new Trace(traceId, timestamp, in, output, error, prompts, node.path("latency_ms").asLong(0), line);
    }

    private static Object plain(ObjectMapper mapper, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return mapper.convertValue(node, Object.class);
    }

    private static JsonNode toJson(ObjectMapper mapper, Object value) {
        if (value == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return mapper.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return JsonNodeFactory.instance.textNode(String.valueOf(value));
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getName() + (message == null ? "" : ": " + message);
    }

    /** Appends under a lock (per file in this JVM, and a file lock against other processes), then forces to disk. */
    private static void append(Path file, byte[] bytes) {
        Object lock = LOCKS.computeIfAbsent(file, f -> new Object());
        synchronized (lock) {
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    long size = ch.size();
                    long end = completeLength(ch, size);
                    if (end < size) {
                        log.warn("{}: cutting off an unfinished last line ({} bytes) before appending", file, size - end);
                        ch.truncate(end);
                    }
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    long pos = end;
                    while (buf.hasRemaining()) {
                        pos += ch.write(buf, pos);
                    }
                    ch.force(false);
                }
            } catch (IOException e) {
                throw new PromptOptimizerException("cannot append a trace to " + file + ": " + e, e);
            }
        }
    }

    /** The length of the file up to and including its last newline (the whole file when it ends with one). */
    private static long completeLength(FileChannel ch, long size) throws IOException {
        if (size == 0) {
            return 0;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, size - 1);
        if (one.get(0) == '\n') {
            return size;
        }
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        long pos = size;
        while (pos > 0) {
            long from = Math.max(0, pos - chunk.capacity());
            chunk.clear().limit((int) (pos - from));
            while (chunk.hasRemaining() && ch.read(chunk, from + chunk.position()) >= 0) {
                // keep reading until the chunk is full
            }
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            pos = from;
        }
        return 0;
    }

    private static String checkExperiment(String experiment) {
        if (experiment == null || experiment.isBlank()) {
            throw new InvalidInputException("experiment name must not be blank");
        }
        if (experiment.contains("/") || experiment.contains("\\") || experiment.equals(".") || experiment.equals("..")
                || experiment.indexOf('\0') >= 0) {
            throw new InvalidInputException("experiment name '" + experiment + "' must be a plain folder name (no '/', '\\', '.' or '..')");
        }
        return experiment;
    }
}
