package dev.promptopt.core.internal.engine;

import dev.promptopt.ExampleUsage;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.core.Hedging;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predict calls with hedging ({@link Hedging}): the call runs on the executor while the caller, which holds the
 * example's permit, waits; past the latency percentile a second request is sent if a permit is free. The extra
 * permit is released when both requests have returned.
 */
final class HedgedPredict {
    private static final Logger log = LoggerFactory.getLogger(HedgedPredict.class);

    private final Hedging config;
    private final Semaphore permits;
    private final Executor executor;
    private final LongSupplier nanoClock;
    private final long[] latencies;
    private int samples;
    private final AtomicLong hedgedCalls = new AtomicLong();

    HedgedPredict(Hedging config, Semaphore permits, Executor executor, LongSupplier nanoClock) {
        this.config = config;
        this.permits = permits;
        this.executor = executor;
        this.nanoClock = nanoClock;
        this.latencies = new long[config.window()];
    }

    long hedgedCalls() {
        return hedgedCalls.get();
    }

    Object predict(PredictFn fn, Map<String, Object> inputs, PromptSet candidate) throws Exception {
        long threshold = threshold();
        if (threshold < 0) { // not enough calls timed yet: a plain call on this thread
            long t0 = nanoClock.getAsLong();
            Object out = fn.predict(inputs, candidate);
            sample(nanoClock.getAsLong() - t0);
            return out;
        }
        Race race = new Race();
        executor.execute(() -> call(fn, inputs, candidate, race));
        config.scheduler().schedule(Duration.ofNanos(threshold), () -> race.hedge(() -> call(fn, inputs, candidate, race)));
        Answer winner;
        try {
            winner = race.winner.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
        ExampleUsageScope.add(winner.usage());
        return winner.output();
    }

    private void call(PredictFn fn, Map<String, Object> inputs, PromptSet candidate, Race race) {
        ExampleUsageScope scope = ExampleUsageScope.open();
        long t0 = nanoClock.getAsLong();
        try {
            Object out = fn.predict(inputs, candidate);
            sample(nanoClock.getAsLong() - t0);
            race.finished(new Answer(out, scope.usage()), null);
        } catch (Throwable t) {
            race.finished(null, t);
        } finally {
            scope.close();
        }
    }

    /** The hedge delay in nanoseconds, or -1 while fewer than {@code minSamples} calls were timed. */
    private synchronized long threshold() {
        int n = Math.min(samples, latencies.length);
        if (n < config.minSamples()) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(config.percentile() * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, index))];
    }

    private synchronized void sample(long nanos) {
        latencies[samples % latencies.length] = nanos;
        samples++;
    }

    private record Answer(Object output, ExampleUsage usage) {
    }

    /** The first request and its hedge: the first answer wins; a failure counts only when both failed. */
    private final class Race {
        final CompletableFuture<Answer> winner = new CompletableFuture<>();
        private int outstanding = 1;
        private boolean hedged;
        private Throwable firstError;

        synchronized void hedge(Runnable request) {
            if (winner.isDone() || hedged) {
                return;
            }
            if (!permits.tryAcquire()) { // the limit is the limit: no hedge without a free permit
                log.debug("a predict call is slower than the hedge delay, but no permit is free for a hedge");
                return;
            }
            hedged = true;
            outstanding++;
            hedgedCalls.incrementAndGet();
            try {
                executor.execute(request);
            } catch (RejectedExecutionException e) { // the engine is closing
                finished(null, e);
            }
        }

        synchronized void finished(Answer answer, Throwable error) {
            outstanding--;
            if (answer != null) {
                winner.complete(answer);
            } else if (firstError == null) {
                firstError = error;
            }
            if (outstanding == 0) {
                if (!winner.isDone()) {
                    winner.completeExceptionally(firstError);
                }
                if (hedged) {
                    permits.release();
                }
            }
        }
    }
}
