package dev.promptopt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * When a run must stop: metric calls, wall time, a stop file. At least one limit is required.
 *
 * <pre>{@code
 * Budget b = Budget.metricCalls(300).withWallTime(Duration.ofMinutes(20)).withStopFile(Path.of("STOP"));
 * }</pre>
 *
 * @param maxMetricCalls the most examples scored (cache hits are free), or null for no limit
 * @param maxWallTime    the longest a run may take, or null
 * @param stopFile       the run stops before its next batch once this file exists, or null
 */
public record Budget(Long maxMetricCalls, Duration maxWallTime, Path stopFile) {
    public Budget {
        if (maxMetricCalls != null && maxMetricCalls <= 0) {
            throw new InvalidInputException("budget: max metric calls must be > 0, found " + maxMetricCalls);
        }
        if (maxWallTime != null && (maxWallTime.isNegative() || maxWallTime.isZero())) {
            throw new InvalidInputException("budget: max wall time must be > 0, found " + maxWallTime);
        }
    }

    public static Budget metricCalls(long max) {
        return new Budget(max, null, null);
    }

    public static Budget wallTime(Duration max) {
        return new Budget(null, Objects.requireNonNull(max, "max"), null);
    }

    public Budget withMetricCalls(long max) {
        return new Budget(max, maxWallTime, stopFile);
    }

    public Budget withWallTime(Duration max) {
        return new Budget(maxMetricCalls, max, stopFile);
    }

    public Budget withStopFile(Path file) {
        return new Budget(maxMetricCalls, maxWallTime, file);
    }

    /** Whether any limit is set; a stop file alone does not bound a run. */
    public boolean isBounded() {
        return maxMetricCalls != null || maxWallTime != null;
    }
}
