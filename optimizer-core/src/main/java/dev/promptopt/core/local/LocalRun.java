package dev.promptopt.core.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.core.io.JsonSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run written by {@link DirectoryRunTracker}, read back from its folder: for tests and reports.
 *
 * <pre>{@code
 * LocalRun run = LocalRun.read(tracker.runDirectory("sentiment", runId));
 * run.status();                          // "FINISHED"
 * run.metrics("eval_score");             // every logged point, in logging order
 * }</pre>
 *
 * @param directory  the run's folder
 * @param runId      the run's id (its folder name)
 * @param experiment the experiment it belongs to
 * @param runName    the name it was started with (may be empty)
 * @param status     RUNNING, FINISHED, FAILED or KILLED
 * @param startTime  when it started
 * @param endTime    when it finished; empty while running
 * @param tags       its tags
 * @param params     its params
 * @param metrics    every logged metric point, in logging order
 * @param artifacts  relative paths of its artifacts, sorted
 */
public record LocalRun(Path directory, String runId, String experiment, String runName, String status,
                       Instant startTime, Optional<Instant> endTime, Map<String, String> tags,
                       Map<String, String> params, List<Metric> metrics, List<String> artifacts) {

    /** One logged metric point. */
    public record Metric(String key, double value, long step, Instant timestamp) {
    }

    public LocalRun {
        tags = Map.copyOf(tags);
        params = Map.copyOf(params);
        metrics = List.copyOf(metrics);
        artifacts = List.copyOf(artifacts);
    }

    /**
     * Reads a run folder.
     *
     * @throws PromptOptimizerException naming the file when one is missing or corrupt
     */
    public static LocalRun read(Path runDir) {
        Path metaFile = runDir.resolve(DirectoryRunTracker.META);
        JsonNode meta = JsonSupport.readTree(metaFile, "run metadata");
        Instant start;
        Optional<Instant> end;
        try {
            start = Instant.parse(meta.path("startTime").asText());
            JsonNode endNode = meta.get("endTime");
            end = endNode == null || endNode.isNull() ? Optional.empty() : Optional.of(Instant.parse(endNode.asText()));
        } catch (DateTimeParseException e) {
            throw new PromptOptimizerException("corrupt run metadata file " + metaFile
                    + ": startTime/endTime must be ISO-8601 instants (" + e.getMessage() + ")", e);
        }
        return new LocalRun(runDir, meta.path("runId").asText(), meta.path("experiment").asText(),
                meta.path("runName").asText(), meta.path("status").asText(), start, end,
                readMap(runDir.resolve(DirectoryRunTracker.TAGS), "run tags"),
                readMap(runDir.resolve(DirectoryRunTracker.PARAMS), "run params"),
                readMetrics(runDir), DirectoryRunTracker.listArtifacts(runDir));
    }

    /**
     * The metric points of a run folder, in logging order.
     *
     * @throws PromptOptimizerException naming the file and line of a corrupt line
     */
    public static List<Metric> readMetrics(Path runDir) {
        Path file = runDir.resolve(DirectoryRunTracker.METRICS);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot read metrics file " + file + ": " + e, e);
        }
        List<Metric> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JsonSupport.mapper().readTree(line);
                out.add(new Metric(n.get("key").asText(), n.get("value").asDouble(), n.get("step").asLong(),
                        Instant.parse(n.get("timestamp").asText())));
            } catch (JsonProcessingException | RuntimeException e) {
                throw new PromptOptimizerException("corrupt metrics file " + file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The points of one metric, in logging order. */
    public List<Metric> metrics(String key) {
        return metrics.stream().filter(m -> m.key().equals(key)).toList();
    }

    /** The content of an artifact. */
    public byte[] artifact(String path) {
        if (!artifacts.contains(path)) {
            throw new PromptOptimizerException("run " + runId + " has no artifact '" + path + "' (artifacts: " + artifacts + ")");
        }
        Path file = directory.resolve(DirectoryRunTracker.ARTIFACTS).resolve(path);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot read artifact " + file + ": " + e, e);
        }
    }

    private static Map<String, String> readMap(Path file, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        JsonNode node = JsonSupport.readTree(file, what);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
