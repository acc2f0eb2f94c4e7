package dev.promptopt.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A request and at most {@code maxHedges} hedges of it, racing: the first answer wins; the race fails only once
 * every request failed, with the first failure. A request run with {@link #run} is interrupted once another one
 * answered, so a loser stops (the model client cancels its HTTP exchange or ends its retry backoff) instead of holding a
 * permit and sending retries nobody waits for; a request that reports its end itself with {@link #answered} or
 * {@link #failed} runs on, and its answer is dropped. Thread-safe.
 *
 * <p>A second hedge is for the case one hedge cannot cover: under faults, the hedge itself can meet a gateway
 * timeout or a retry, and then the call waits for the slower of two slow requests.
 *
 * <pre>{@code
 * HedgeRace<String> race = new HedgeRace<>(() -> permits.release());
 * executor.execute(() -> race.run(() -> model.chat(messages).text()));
 * scheduler.schedule(delay, () -> {
 *     if (race.startHedge(permits::tryAcquire)) executor.execute(() -> race.run(() -> model.chat(messages).text()));
 * });
 * String answer = race.winner().get();
 * }</pre>
 *
 * @param <T> the answer's type
 */
public final class HedgeRace<T> {
    private final CompletableFuture<T> winner = new CompletableFuture<>();
    private final int maxHedges;
    private final Runnable onHedgeSettled;
    private int outstanding = 1;
    private int hedges;
    private Throwable firstError;
    /** Threads inside {@link #run}'s request: the ones to interrupt once an answer won. */
    private final List<Thread> running = new ArrayList<>(2);

    /** A race with at most one hedge. */
    public HedgeRace(Runnable onHedgeSettled) {
        this(1, onHedgeSettled);
    }

    /**
     * @param maxHedges      the most hedges this race sends, at least 1
     * @param onHedgeSettled run once for each hedge sent, when every request has returned (releases what the
     *                       hedges took); may be null
     * @throws IllegalArgumentException when {@code maxHedges} is below 1
     */
    public HedgeRace(int maxHedges, Runnable onHedgeSettled) {
        if (maxHedges < 1) {
            throw new IllegalArgumentException("maxHedges must be >= 1, found " + maxHedges);
        }
        this.maxHedges = maxHedges;
        this.onHedgeSettled = onHedgeSettled;
    }

    /** Completes with the first answer, or exceptionally with the first failure once every request failed. */
    public CompletableFuture<T> winner() {
        return winner;
    }

    /**
     * Whether a hedge should be sent now: not when the race is decided, has sent its {@code maxHedges}, or
     * {@code admit} says no (it may take a permit, which {@code onHedgeSettled} gives back). The caller sends it
     * when this is true.
     */
    public synchronized boolean startHedge(BooleanSupplier admit) {
        if (winner.isDone() || hedges >= maxHedges || !admit.getAsBoolean()) {
            return false;
        }
        hedges++;
        outstanding++;
        return true;
    }

    /** Whether a hedge was sent. */
    public synchronized boolean hedged() {
        return hedges > 0;
    }

    /** How many hedges were sent. */
    public synchronized int hedges() {
        return hedges;
    }

    /**
     * Runs one request of the race on this thread and reports its end. When the race was decided before it could
     * start, it is not run (reported as a failure that the race ignores). Once another request answered, this
     * thread is interrupted; the interrupt is cleared before this returns, so a pooled thread goes on clean.
     */
    public void run(Callable<? extends T> request) {
        Thread self = Thread.currentThread();
        boolean decided;
        synchronized (this) {
            decided = winner.isDone();
            if (!decided) {
                running.add(self);
            }
        }
        if (decided) {
            failed(new CancellationException("the other request answered first"));
            return;
        }
        try {
            answered(request.call());
        } catch (Throwable t) {
            failed(t);
        } finally {
            synchronized (this) {
                running.remove(self);
            }
            Thread.interrupted(); // no interrupt can come after the removal: one sent before is for the request only
        }
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
        int release;
        synchronized (this) {
            outstanding--;
            if (error == null) {
                if (winner.complete(answer)) {
                    Thread self = Thread.currentThread();
                    for (Thread loser : running) {
                        if (loser != self) {
                            loser.interrupt(); // stop the slower request: its answer would be dropped anyway
                        }
                    }
                }
            } else if (firstError == null) {
                firstError = error;
            }
            if (outstanding > 0) {
                return;
            }
            if (!winner.isDone()) {
                winner.completeExceptionally(firstError);
            }
            release = onHedgeSettled == null ? 0 : hedges;
        }
        for (int i = 0; i < release; i++) {
            onHedgeSettled.run();
        }
    }
}
