package dev.promptopt.spi;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A request and at most one hedge of it, racing: the first answer wins; the race fails only once both requests
 * failed, with the first failure. Each request reports its end with {@link #answered} or {@link #failed}; the
 * loser's answer is dropped. Thread-safe.
 *
 * <pre>{@code
 * HedgeRace<String> race = new HedgeRace<>(() -> permits.release());
 * executor.execute(() -> call(race));
 * scheduler.schedule(delay, () -> { if (race.startHedge(permits::tryAcquire)) executor.execute(() -> call(race)); });
 * String answer = race.winner().get();
 * }</pre>
 *
 * @param <T> the answer's type
 */
public final class HedgeRace<T> {
    private final CompletableFuture<T> winner = new CompletableFuture<>();
    private final Runnable onHedgeSettled;
    private int outstanding = 1;
    private boolean hedged;
    private Throwable firstError;

    /** @param onHedgeSettled run once both requests have returned, when a hedge was sent (releases what it took) */
    public HedgeRace(Runnable onHedgeSettled) {
        this.onHedgeSettled = onHedgeSettled;
    }

    /** Completes with the first answer, or exceptionally with the first failure once every request failed. */
    public CompletableFuture<T> winner() {
        return winner;
    }

    /**
     * Whether a hedge should be sent now: not when the race is decided, already hedged, or {@code admit} says no
     * (it may take a permit, which {@code onHedgeSettled} gives back). The caller sends it when this is true.
     */
    public synchronized boolean startHedge(BooleanSupplier admit) {
        if (winner.isDone() || hedged || !admit.getAsBoolean()) {
            return false;
        }
        hedged = true;
        outstanding++;
        return true;
    }

    /** Whether a hedge was sent. */
    public synchronized boolean hedged() {
        return hedged;
    }

    /** A request answered. */
    public void answered(T answer) {
        settle(answer, null);
    }

    /** A request failed (after its own retries). */
    public void failed(Throwable error) {
        settle(null, error);
    }

    private void settle(T answer, Throwable error) {
        boolean release;
        synchronized (this) {
            outstanding--;
            if (error == null) {
                winner.complete(answer);
            } else if (firstError == null) {
                firstError = error;
            }
            if (outstanding > 0) {
                return;
            }
            if (!winner.isDone()) {
                winner.completeExceptionally(firstError);
            }
            release = hedged;
        }
        if (release && onHedgeSettled != null) {
            onHedgeSettled.run();
        }
    }
}
