package dev.promptopt.managed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of an execution, as stored in {@code <executionId>/execution.json} of the {@code default} store:
 * status, progress per target model (metric calls used of the budget, scores once known), the log, the error.
 *
 * <pre>{@code
 * ExecutionState s = executions.status("exec-1");
 * s.targets().forEach(t -> System.out.println(t.model() + " " + t.metricCallsUsed() + "/" + t.maxMetricCalls()));
 * }</pre>
 *
 * @param configSource    the configuration file it was created from
 * @param configDirectory the folder relative paths of the configuration resolve against
 * @param origin          the base model's evaluation, or null when no baseModel is configured
 * @param error           why it FAILED, or null
 */
public record ExecutionState(String id, ExecutionStatus status, String configSource, String configDirectory,
                             Instant created, Instant updated, TargetProgress origin, List<TargetProgress> targets,
                             List<String> log, String error) {
    static final int MAX_LOG_LINES = 500;

    public ExecutionState {
        targets = List.copyOf(targets);
        log = List.copyOf(log);
    }

    ExecutionState withStatus(ExecutionStatus s, String err) {
        return new ExecutionState(id, s, configSource, configDirectory, created, Instant.now(), origin, targets, log, err);
    }

    ExecutionState withTarget(int index, TargetProgress t) {
        if (index < 0) {
            return new ExecutionState(id, status, configSource, configDirectory, created, Instant.now(), t, targets, log, error);
        }
        List<TargetProgress> copy = new ArrayList<>(targets);
        copy.set(index, t);
        return new ExecutionState(id, status, configSource, configDirectory, created, Instant.now(), origin, copy, log, error);
    }

    ExecutionState withLog(String line) {
        List<String> copy = new ArrayList<>(log);
        copy.add(line);
        if (copy.size() > MAX_LOG_LINES) {
            copy = copy.subList(copy.size() - MAX_LOG_LINES, copy.size());
        }
        return new ExecutionState(id, status, configSource, configDirectory, created, Instant.now(), origin, targets, copy, error);
    }

    /** The state as JSON, the shape of {@code <id>/execution.json}. */
    public String toJson() {
        return new String(dev.promptopt.core.io.JsonSupport.toFileBytes(this), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The progress of every run: the base model's first when there is one. */
    public List<TargetProgress> allRuns() {
        List<TargetProgress> all = new ArrayList<>();
        if (origin != null) {
            all.add(origin);
        }
        all.addAll(targets);
        return all;
    }

    /**
     * One target model's run (or the base model's evaluation).
     *
     * @param runId           {@code <executionId>-<n>}: 0 for the base model, 1.. for the targets
     * @param promptName      where its optimized template is registered (null for the base model)
     * @param status          PENDING, RUNNING, COMPLETED or STOPPED
     * @param preScore        the base prompt's score on the test data, once known
     * @param postScore       the optimized prompt's score, once known
     * @param registered      the registered prompt URI, or null when the optimized prompt did not beat the base
     */
    public record TargetProgress(String model, String runId, String promptName, ExecutionStatus status,
                                 long metricCallsUsed, long maxMetricCalls, Double preScore, Double postScore,
                                 String registered) {
        TargetProgress withCalls(long used) {
            return new TargetProgress(model, runId, promptName, status, used, maxMetricCalls, preScore, postScore, registered);
        }

        TargetProgress withStatus(ExecutionStatus s) {
            return new TargetProgress(model, runId, promptName, s, metricCallsUsed, maxMetricCalls, preScore, postScore, registered);
        }
    }
}
