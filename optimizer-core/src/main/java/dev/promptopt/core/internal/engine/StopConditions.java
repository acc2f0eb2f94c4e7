package dev.promptopt.core.internal.engine;

import dev.promptopt.Budget;
import dev.promptopt.StopReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleSupplier;
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
    private final DoubleSupplier costUsd;
    private volatile boolean cancelled;

    public StopConditions(Budget budget, Path runStopFile, LongSupplier nanoClock, Duration elapsedBefore) {
        this(budget, runStopFile, nanoClock, elapsedBefore, null);
    }

    /**
     * @param costUsd the dollars the run's models have cost so far, or null when unknown (then a dollar limit
     *                cannot be set)
     */
    public StopConditions(Budget budget, Path runStopFile, LongSupplier nanoClock, Duration elapsedBefore,
                          DoubleSupplier costUsd) {
        this.costUsd = costUsd;
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

    /** Dollars spent so far, or NaN when the run has no cost source. */
    public double costUsd() {
        return costUsd == null ? Double.NaN : costUsd.getAsDouble();
    }

    /**
     * Why a batch must not start.
     *
     * @param spentCalls    metric calls spent so far
     * @param reservedCalls metric calls that batches in flight will still make
     * @param newCalls      the calls this batch would make (a batch served from the cache always runs)
     */
    public Optional<StopReason> check(long spentCalls, long reservedCalls, int newCalls) {
        if (newCalls == 0) {
            return Optional.empty(); // served from the cache: no call, nothing to stop
        }
        if (cancelled) {
            return Optional.of(new StopReason(StopReason.Kind.CANCELLED, "the run was cancelled"));
        }
        if (budget.maxMetricCalls() != null && spentCalls + reservedCalls + newCalls > budget.maxMetricCalls()) {
            // The batch about to start counts: one that does not fit does not start, so the budget is never passed.
            long left = Math.max(0, budget.maxMetricCalls() - spentCalls - reservedCalls);
            return Optional.of(new StopReason(StopReason.Kind.METRIC_CALLS, spentCalls + reservedCalls
                    >= budget.maxMetricCalls() ? "metric call budget of " + budget.maxMetricCalls() + " spent"
                    : "metric call budget of " + budget.maxMetricCalls() + ": a batch of " + newCalls
                    + " new calls does not fit in the " + left + " left (" + spentCalls + " spent"
                    + (reservedCalls > 0 ? ", " + reservedCalls + " reserved by batches in flight" : "") + ")"));
        }
        if (budget.maxCostUsd() != null && costUsd != null) {
            // Project the batch from the average cost of a metric call so far, so the limit is not passed.
            double spent = costUsd.getAsDouble();
            double perCall = spentCalls == 0 ? 0 : spent / spentCalls;
            double projected = spent + perCall * (reservedCalls + newCalls);
            if (projected > budget.maxCostUsd()) {
                return Optional.of(new StopReason(StopReason.Kind.COST, String.format(Locale.ROOT,
                        "dollar budget of $%.4f would be passed: $%.4f spent, about $%.4f more for the next %d calls",
                        budget.maxCostUsd(), spent, projected - spent, reservedCalls + newCalls)));
            }
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
