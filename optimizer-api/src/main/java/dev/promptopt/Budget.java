package dev.promptopt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * When a run must stop: metric calls, wall time, dollars, a stop file. At least one of metric calls,
 * wall time or dollars is required.
 *
 * <pre>{@code
 * Budget b = Budget.metricCalls(300).withWallTime(Duration.ofMinutes(20)).withStopFile(Path.of("STOP"));
 * }</pre>
 *
 * @param maxMetricCalls the most examples scored (cache hits and failed calls are free), or null for no limit;
 *                       checked before each batch counting the batch about to start, so the calls spent never
 *                       exceed it (a batch that does not fit in what is left does not start)
 * @param maxWallTime    the longest a run may take, or null
 * @param stopFile       the run stops before its next batch once this file exists, or null
 * @param maxCostUsd     the most dollars the run's models may cost, or null; needs a cost source on the run
 *                       (e.g. {@code .costSource(usageMeter::totalCostUsd)}); a batch whose projected cost would
 *                       pass the limit does not start
 */
public record Budget(@Nullable Long maxMetricCalls, @Nullable Duration maxWallTime, @Nullable Path stopFile,
                     @Nullable Double maxCostUsd) {
    public Budget {
        if (maxMetricCalls != null && maxMetricCalls <= 0) {
            throw new InvalidInputException("budget: max metric calls must be > 0, found " + maxMetricCalls);
        }
        if (maxWallTime != null && (maxWallTime.isNegative() || maxWallTime.isZero())) {
            throw new InvalidInputException("budget: max wall time must be > 0, found " + maxWallTime);
        }
        if (maxCostUsd != null && !(maxCostUsd > 0)) {
            throw new InvalidInputException("budget: max cost must be > 0 dollars, found " + maxCostUsd);
        }
    }

    /** Limits on metric calls, wall time and a stop file, without a dollar limit. */
    public Budget(Long maxMetricCalls, Duration maxWallTime, Path stopFile) {
        this(maxMetricCalls, maxWallTime, stopFile, null);
    }

    /** No limit at all (for evaluations). */
    public static Budget unlimited() {
        return new Budget(null, null, null, null);
    }

    /** At most {@code maxUsd} US dollars of model cost; the run needs a cost source. */
    public static Budget costUsd(double maxUsd) {
        return new Budget(null, null, null, maxUsd);
    }

    public static Budget metricCalls(long max) {
        return new Budget(max, null, null);
    }

    public static Budget wallTime(Duration max) {
        return new Budget(null, Objects.requireNonNull(max, "max"), null);
    }

    public Budget withMetricCalls(long max) {
        return new Budget(max, maxWallTime, stopFile, maxCostUsd);
    }

    public Budget withWallTime(Duration max) {
        return new Budget(maxMetricCalls, max, stopFile, maxCostUsd);
    }

    public Budget withStopFile(Path file) {
        return new Budget(maxMetricCalls, maxWallTime, file, maxCostUsd);
    }

    public Budget withCostUsd(double maxUsd) {
        return new Budget(maxMetricCalls, maxWallTime, stopFile, maxUsd);
    }

    /** Whether any limit is set; a stop file alone does not bound a run. */
    public boolean isBounded() {
        return maxMetricCalls != null || maxWallTime != null || maxCostUsd != null;
    }
}
