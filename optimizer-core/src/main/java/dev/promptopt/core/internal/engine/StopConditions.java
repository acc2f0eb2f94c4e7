package dev.promptopt.core.internal.engine;

import dev.promptopt.Budget;
import dev.promptopt.StopReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The run's stop conditions, checked before every batch: metric calls, wall time, stop files, cancellation.
 * Time comes from an injected clock so tests control it.
 */
public final class StopConditions {
    private final Budget budget;
    private final Path runStopFile;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final Duration elapsedBefore;
    private volatile boolean cancelled;

    public StopConditions(Budget budget, Path runStopFile, LongSupplier nanoClock, Duration elapsedBefore) {
        this.budget = budget;
        this.runStopFile = runStopFile;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.elapsedBefore = elapsedBefore;
    }

    public Budget budget() {
        return budget;
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** Wall time of the run, including the time before a resume. */
    public Duration elapsed() {
        return elapsedBefore.plusNanos(nanoClock.getAsLong() - startNanos);
    }

    /**
     * Why a batch must not start.
     *
     * @param committedCalls metric calls spent plus those reserved by batches in flight
     * @param needsCalls     whether the batch would make new calls (a batch served from the cache always runs)
     */
    public Optional<StopReason> check(long committedCalls, boolean needsCalls) {
        if (!needsCalls) {
            return Optional.empty(); // served from the cache: no call, nothing to stop
        }
        if (cancelled) {
            return Optional.of(new StopReason(StopReason.Kind.CANCELLED, "the run was cancelled"));
        }
        if (budget.maxMetricCalls() != null && committedCalls >= budget.maxMetricCalls()) {
            return Optional.of(new StopReason(StopReason.Kind.METRIC_CALLS,
                    "metric call budget of " + budget.maxMetricCalls() + " spent"));
        }
        if (budget.maxWallTime() != null && elapsed().compareTo(budget.maxWallTime()) >= 0) {
            return Optional.of(new StopReason(StopReason.Kind.WALL_TIME,
                    "wall time limit of " + budget.maxWallTime() + " reached"));
        }
        for (Path f : new Path[] {budget.stopFile(), runStopFile}) {
            if (f != null && Files.exists(f)) {
                return Optional.of(new StopReason(StopReason.Kind.STOP_FILE, "stop file " + f + " found"));
            }
        }
        return Optional.empty();
    }
}
