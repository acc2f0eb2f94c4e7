package dev.promptopt.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.ExampleUsage;
import dev.promptopt.TokenUsage;
import dev.promptopt.Feedback;
import dev.promptopt.PromptOptimizerException;
import java.io.BufferedWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Append-only log of every scored evaluation of a run (one JSON line each). It is the persistent evaluation
 * cache: a resumed run reads it back and repeats at most the calls that were in flight when the process died.
 * Failed calls are not journaled (a failure is not a score), so a resumed run asks for them again. Each line
 * names the example by id and content hash, so two examples sharing an id are never confused. A torn last
 * line (the process died mid-write) is cut off by {@link #repair} before the run appends again.
 */
public final class ResultJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultJournal.class);

    /** One journaled result. */
    public record Entry(String candidate, ExampleResult result) {
    }

    private final Path file;
    private final ObjectMapper mapper;
    private BufferedWriter writer;
    private long entries;

    public ResultJournal(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
    }

    public Path file() {
        return file;
    }

    /**
     * Cuts a torn last line (bytes after the last newline: the process died while appending) off a journal, so
     * the next append starts on a line of its own. The one repair for every journal, the API's and the managed
     * runs'.
     *
     * @return the number of bytes cut off (0 when the file is whole or absent)
     */
    public static long repair(Path journal) {
        try {
            if (!Files.isRegularFile(journal)) {
                return 0;
            }
            try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = ch.size();
                long end = size;
                ByteBuffer one = ByteBuffer.allocate(1);
                while (end > 0) {
                    one.clear();
                    ch.read(one, end - 1);
                    if (one.get(0) == '\n') {
                        break;
                    }
                    end--;
                }
                if (end == size) {
                    return 0;
                }
                ch.truncate(end);
                ch.force(true);
                log.warn("evaluation journal {}: cut off a torn last line of {} bytes (the process died while writing it; "
                        + "that call is made again)", journal, size - end);
                return size - end;
            }
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot repair the evaluation journal " + journal + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the entries already on disk, after cutting off a torn last line; examples are looked up by id and
     * content hash in the given datasets.
     */
    public synchronized List<Entry> readExisting(List<Dataset> datasets) {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        repair(file);
        Map<String, Example> examples = new LinkedHashMap<>();
        Map<String, Example> byId = new LinkedHashMap<>();
        for (Dataset d : datasets) {
            for (Example e : d) {
                examples.putIfAbsent(Fingerprints.of(e), e);
                byId.putIfAbsent(e.id(), e);
            }
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot read the evaluation journal " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = mapper.readTree(line);
            } catch (JsonProcessingException e) {
                throw new PromptOptimizerException("evaluation journal " + file + ":" + (i + 1) + " is corrupt: "
                        + e.getOriginalMessage(), e);
            }
            String id = node.path("example").asText();
            Example ex = node.hasNonNull("content") ? examples.get(id + '#' + node.get("content").asText()) : byId.get(id);
            if (ex == null) {
                throw new PromptOptimizerException("evaluation journal " + file + ":" + (i + 1) + " refers to example '"
                        + id + "'" + (byId.containsKey(id) ? " with other content (inputs, outputs or expectations) than "
                        + byId.get(id).describe() + " has now" : ", which the run's data no longer holds")
                        + "; resume with the same data");
            }
            ExampleResult result = fromJson(node, ex);
            if (node.has("usage")) {
                result = result.withUsage(usage(node.get("usage"), i + 1));
            }
            out.add(new Entry(node.path("candidate").asText(), result));
        }
        entries = out.size();
        return out;
    }

    /** Appends one result and flushes, so a crash loses at most the line being written. */
    public synchronized void append(String candidate, ExampleResult r) {
        try {
            if (writer == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            writer.write(mapper.writeValueAsString(toJson(candidate, r)));
            writer.write('\n');
            writer.flush();
            entries++;
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot append to the evaluation journal " + file + ": " + e, e);
        }
    }

    /** Lines written so far (read back plus appended). */
    public synchronized long entries() {
        return entries;
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new PromptOptimizerException("cannot close the evaluation journal " + file + ": " + e, e);
            } finally {
                writer = null;
            }
        }
    }

    private ObjectNode toJson(String candidate, ExampleResult r) {
        ObjectNode n = mapper.createObjectNode();
        n.put("candidate", candidate);
        n.put("example", r.example().id());
        n.put("content", Fingerprints.content(r.example()));
        n.set("output", ResultRecords.toTree(r.output()));
        ObjectNode fb = n.putObject("feedback");
        r.feedback().forEach((name, f) -> {
            ObjectNode o = fb.putObject(name);
            o.put("value", f.value());
            o.put("rationale", f.rationale());
            if (!f.details().isEmpty()) {
                o.set("details", ResultRecords.toTree(f.details()));
            }
        });
        n.put("score", r.score());
        if (r.error() != null) {
            n.put("error", r.error());
        }
        n.put("durationNanos", r.durationNanos());
        if (r.usage().measured()) {
            ObjectNode usage = n.putObject("usage").put("calls", r.usage().calls())
                    .put("inputTokens", r.usage().tokens().inputTokens())
                    .put("outputTokens", r.usage().tokens().outputTokens())
                    .put("costUsd", r.usage().costUsd());
            if (!r.usage().tokens().complete()) { // written only when some were, so older journals read the same
                usage.put("unreportedCalls", r.usage().tokens().unreportedCalls());
            }
        }
        return n;
    }

    /** The usage of a journal line, checked: a wrong field names the line and what it holds. */
    private ExampleUsage usage(JsonNode u, int line) {
        long calls = count(u, "calls", line);
        long in = count(u, "inputTokens", line);
        long out = count(u, "outputTokens", line);
        long unreported = u.has("unreportedCalls") ? count(u, "unreportedCalls", line) : 0;
        JsonNode cost = u.get("costUsd");
        if (cost == null || !cost.isNumber() || !(cost.asDouble() >= 0) || Double.isInfinite(cost.asDouble())) {
            throw new PromptOptimizerException("evaluation journal " + file + ":" + line
                    + ": field usage.costUsd must be a number >= 0, found " + cost);
        }
        return new ExampleUsage(calls, new TokenUsage(in, out, unreported), cost.asDouble());
    }

    private long count(JsonNode u, String field, int line) {
        JsonNode v = u.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new PromptOptimizerException("evaluation journal " + file + ":" + line + ": field usage." + field
                    + " must be a whole number >= 0, found " + v);
        }
        return v.asLong();
    }

    private ExampleResult fromJson(JsonNode n, Example ex) {
        Map<String, Feedback> feedback = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.path("feedback").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode f = e.getValue();
            @SuppressWarnings("unchecked")
            Map<String, Object> details = f.has("details") ? mapper.convertValue(f.get("details"), Map.class) : Map.of();
            feedback.put(e.getKey(), new Feedback(f.path("value").asDouble(), f.path("rationale").asText(), details));
        }
        Object output = n.get("output") == null || n.get("output").isNull() ? null : mapper.convertValue(n.get("output"), Object.class);
        String error = n.hasNonNull("error") ? n.get("error").asText() : null;
        return new ExampleResult(ex, output, feedback, n.path("score").asDouble(), error, n.path("durationNanos").asLong(), false);
    }
}
