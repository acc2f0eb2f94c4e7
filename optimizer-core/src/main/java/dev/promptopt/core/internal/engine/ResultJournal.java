package dev.promptopt.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import dev.promptopt.PromptOptimizerException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Append-only log of every evaluation result of a run (one JSON line each). It is the persistent
 * evaluation cache: a resumed run reads it back and makes no call twice. A torn last line (the process
 * died mid-write) is ignored.
 */
public final class ResultJournal implements AutoCloseable {
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

    /** Reads the entries already on disk; examples are looked up by id in the given datasets. */
    public synchronized List<Entry> readExisting(List<Dataset> datasets) {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        Map<String, Example> examples = new LinkedHashMap<>();
        for (Dataset d : datasets) {
            for (Example e : d) {
                examples.putIfAbsent(e.id(), e);
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
                if (i == lines.size() - 1) {
                    break; // torn final write: the call is simply made again
                }
                throw new PromptOptimizerException("evaluation journal " + file + ":" + (i + 1) + " is corrupt: "
                        + e.getOriginalMessage(), e);
            }
            Example ex = examples.get(node.path("example").asText());
            if (ex == null) {
                throw new PromptOptimizerException("evaluation journal " + file + ":" + (i + 1) + " refers to example '"
                        + node.path("example").asText() + "', which the run's data no longer holds; resume with the same data");
            }
            out.add(new Entry(node.path("candidate").asText(), fromJson(node, ex)));
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
            throw new UncheckedIOException("cannot append to the evaluation journal " + file, e);
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
                throw new UncheckedIOException("cannot close the evaluation journal " + file, e);
            } finally {
                writer = null;
            }
        }
    }

    private ObjectNode toJson(String candidate, ExampleResult r) {
        ObjectNode n = mapper.createObjectNode();
        n.put("candidate", candidate);
        n.put("example", r.example().id());
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
        return n;
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
