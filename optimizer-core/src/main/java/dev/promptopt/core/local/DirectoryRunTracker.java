package dev.promptopt.core.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.RunTracker;
import dev.promptopt.TrackedRun;
import dev.promptopt.core.io.AtomicFiles;
import dev.promptopt.core.io.JsonSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run tracker writing each run to a folder, {@code <root>/<experiment>/<runId>/}:
 *
 * <pre>
 * meta.json       {"runId", "experiment", "runName", "status", "startTime", "endTime"}
 * tags.json       {"key": "value"}
 * params.json     {"key": "value"}
 * metrics.jsonl   {"key": "eval_score", "value": 0.8, "step": 3, "timestamp": "2025-..."} per line
 * artifacts/      files logged with logArtifact, at their relative paths
 * </pre>
 *
 * <p>Runs are thread-safe. {@link LocalRun#read(Path)} reads a run back.
 *
 * <pre>{@code
 * DirectoryRunTracker tracker = new DirectoryRunTracker(Path.of("runs"));
 * TrackedRun run = tracker.startRun("sentiment", "gepa-1", Map.of());
 * run.logMetric("eval_score", 0.8, 3);
 * run.finish(TrackedRun.Status.FINISHED);
 * LocalRun saved = LocalRun.read(tracker.runDirectory("sentiment", run.id()));
 * }</pre>
 */
public final class DirectoryRunTracker implements RunTracker {
    private static final Logger log = LoggerFactory.getLogger(DirectoryRunTracker.class);
    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    static final String META = "meta.json";
    static final String TAGS = "tags.json";
    static final String PARAMS = "params.json";
    static final String METRICS = "metrics.jsonl";
    static final String ARTIFACTS = "artifacts";

    private final Path root;
    private final Clock clock;

    /** A tracker writing under {@code root}, created if missing. */
    public DirectoryRunTracker(Path root) {
        this(root, Clock.systemUTC());
    }

    /** A tracker whose timestamps come from {@code clock}. */
    public DirectoryRunTracker(Path root, Clock clock) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot create run tracker folder " + this.root + ": " + e, e);
        }
    }

    /** The tracker's folder. */
    public Path root() {
        return root;
    }

    @Override
    public TrackedRun startRun(String experiment, String runName, Map<String, String> tags) {
        Path experimentDir = root.resolve(requireExperimentName(experiment));
        try {
            Files.createDirectories(experimentDir);
            // Sortable by start time; the random part keeps ids unique when runs start in the same second.
            while (true) {
                String id = RUN_ID_TIME.format(clock.instant()) + "-"
                        + String.format("%08x", ThreadLocalRandom.current().nextInt());
                Path dir = experimentDir.resolve(id);
                try {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException e) {
                    continue;
                }
                Run run = new Run(experiment, id, runName == null ? "" : runName, dir);
                run.setTags(tags == null ? Map.of() : tags);
                log.debug("started run {} in {}", id, experimentDir);
                return run;
            }
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot start a run of experiment '" + experiment + "' in " + root
                    + ": " + e, e);
        }
    }

    /** The folder of a run. */
    public Path runDirectory(String experiment, String runId) {
        return root.resolve(requireExperimentName(experiment)).resolve(requireExperimentName(runId));
    }

    /** The runs of an experiment, oldest first; empty when there is none. */
    public List<LocalRun> runs(String experiment) {
        Path dir = root.resolve(requireExperimentName(experiment));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> runs = Files.list(dir)) {
            return runs.filter(p -> Files.isRegularFile(p.resolve(META)))
                    .map(LocalRun::read)
                    .sorted(Comparator.comparing(LocalRun::startTime).thenComparing(LocalRun::runId))
                    .toList();
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot list runs in " + dir + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "DirectoryRunTracker[" + root + "]";
    }

    /** Experiment names become folder names: no separators, no '.', '..'. */
    private static String requireExperimentName(String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0
                || name.equals(".") || name.equals("..") || name.startsWith(AtomicFiles.TEMP_PREFIX)) {
            throw new InvalidInputException("invalid experiment or run name '" + name + "' for a run folder: "
                    + "expected a non-blank name without '/', '\\', or '.'/'..'");
        }
        return name;
    }

    private final class Run implements TrackedRun {
        private final String experiment;
        private final String id;
        private final String runName;
        private final Path dir;
        private final String startTime;
        private final Map<String, String> tags = new TreeMap<>();
        private final Map<String, String> params = new TreeMap<>();
        private String status = "RUNNING";
        private String endTime;

        Run(String experiment, String id, String runName, Path dir) {
            this.experiment = experiment;
            this.id = id;
            this.runName = runName;
            this.dir = dir;
            this.startTime = clock.instant().toString();
            writeMeta();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public synchronized void logParams(Map<String, String> newParams) {
            params.putAll(Objects.requireNonNull(newParams, "params"));
            JsonSupport.writeJson(dir.resolve(PARAMS), params);
        }

        @Override
        public synchronized void setTags(Map<String, String> newTags) {
            tags.putAll(Objects.requireNonNull(newTags, "tags"));
            JsonSupport.writeJson(dir.resolve(TAGS), tags);
        }

        @Override
        public synchronized void logMetric(String key, double value, long step) {
            Objects.requireNonNull(key, "key");
            ObjectNode line = JsonSupport.mapper().createObjectNode();
            line.put("key", key);
            line.put("value", value);
            line.put("step", step);
            line.put("timestamp", clock.instant().toString());
            try {
                // One write call per line, so a crash leaves at most one incomplete last line.
                Files.write(dir.resolve(METRICS), (JsonSupport.mapper().writeValueAsString(line) + "\n")
                        .getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new PromptOptimizerException("cannot log metric '" + key + "' to run " + dir + ": " + e, e);
            }
        }

        @Override
        public synchronized void logArtifact(String path, byte[] content) {
            Objects.requireNonNull(content, "content");
            Path artifacts = dir.resolve(ARTIFACTS);
            RelativeKeys.problem(artifacts, path).ifPresent(why -> {
                throw new InvalidInputException("invalid artifact path '" + path + "' for run " + dir + ": " + why);
            });
            try {
                AtomicFiles.write(artifacts.resolve(path), content);
            } catch (IOException e) {
                throw new PromptOptimizerException("cannot write artifact '" + path + "' of run " + dir + ": " + e, e);
            }
        }

        @Override
        public synchronized void finish(Status finalStatus) {
            status = Objects.requireNonNull(finalStatus, "status").name();
            endTime = clock.instant().toString();
            writeMeta();
            log.debug("run {} of experiment '{}' {}", id, experiment, status);
        }

        private void writeMeta() {
            ObjectNode meta = JsonSupport.mapper().createObjectNode();
            meta.put("runId", id);
            meta.put("experiment", experiment);
            meta.put("runName", runName);
            meta.put("status", status);
            meta.put("startTime", startTime);
            meta.put("endTime", endTime);
            JsonSupport.writeJson(dir.resolve(META), meta);
        }

        @Override
        public String toString() {
            return "run " + id + " (" + dir + ")";
        }
    }

    static List<String> listArtifacts(Path runDir) {
        Path artifacts = runDir.resolve(ARTIFACTS);
        if (!Files.isDirectory(artifacts)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(artifacts)) {
            List<String> out = new ArrayList<>();
            files.filter(Files::isRegularFile).filter(f -> !AtomicFiles.isTempFile(f))
                    .forEach(f -> out.add(RelativeKeys.keyOf(artifacts, f)));
            out.sort(null);
            return List.copyOf(out);
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot list artifacts in " + artifacts + ": " + e, e);
        }
    }
}
