package dev.promptopt.spi;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The latencies of the recent calls of one kind, and how long a call of that kind may take before it counts as
 * slow: a percentile of the last {@code window} calls timed, once {@code minSamples} were. What hedging waits
 * for before it sends a second request. {@link #time} leaves out calls a model client retried, so that under
 * faults the percentile stays that of one attempt. Calls that started before the first call returned (the
 * start-up wave) pay for the client's start-up (class loading, first connections; about 0.3 s against 0.05 s for
 * a warm call in this project's benchmark): they count only until {@code minSamples} later calls were timed, so a
 * few of them cannot hold the percentile up for the first hundred calls. Thread-safe.
 *
 * <pre>{@code
 * LatencyWindow w = new LatencyWindow(0.9, 20, 200);
 * w.record(elapsedNanos);
 * String text = w.time(System::nanoTime, () -> model.chat(messages).text());  // timed unless retried
 * long delay = w.delayNanos(); // -1 until 20 calls were timed
 * }</pre>
 */
public final class LatencyWindow {
    private final double percentile;
    private final int minSamples;
    private final long[] latencies;
    private long samples;
    /** Latencies of the start-up wave, kept apart: used only while fewer than minSamples later calls were timed. */
    private final long[] startUp;
    private int startUpSamples;
    /** When the first call timed by {@link #time} returned, on its clock; unset until then. */
    private long firstReturn;
    private boolean returned;

    /**
     * @throws IllegalArgumentException when {@code percentile} is outside [0.5, 1), {@code minSamples} below 1 or
     *                                  {@code window} below {@code minSamples}
     */
    public LatencyWindow(double percentile, int minSamples, int window) {
        checkArguments(percentile, minSamples, window);
        this.percentile = percentile;
        this.minSamples = minSamples;
        this.latencies = new long[window];
        this.startUp = new long[window];
    }

    /**
     * Checks a window's settings without making one (for configuration types that hold them).
     *
     * @throws IllegalArgumentException as the constructor does
     */
    public static void checkArguments(double percentile, int minSamples, int window) {
        if (!(percentile >= 0.5 && percentile < 1)) {
            throw new IllegalArgumentException("hedging percentile must be in [0.5, 1), found " + percentile);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("hedging minSamples must be >= 1, found " + minSamples);
        }
        if (window < minSamples) {
            throw new IllegalArgumentException("hedging window must be >= minSamples (" + minSamples + "), found " + window);
        }
    }

    /** A call to time; {@code E} is what it may throw. */
    @FunctionalInterface
    public interface Timed<T, E extends Exception> {
        T call() throws E;
    }

    /**
     * Runs a call on this thread and records its latency, unless a model client noted a retry on this thread while
     * it ran ({@link CallRetries}): a retried call's latency is its attempts' and backoffs' sum, not one call's.
     * A call that throws records nothing; a call that started before the first call returned is recorded as part
     * of the start-up wave.
     */
    public <T, E extends Exception> T time(LongSupplier nanoClock, Timed<T, E> call) throws E {
        try (CallRetries.Count retries = CallRetries.count()) {
            long t0 = nanoClock.getAsLong();
            T out;
            long t1;
            boolean notFirst;
            try {
                out = call.call();
            } finally {
                t1 = nanoClock.getAsLong();
                notFirst = returned(t1);
            }
            if (retries.clean()) {
                if (notFirst && t0 - firstReturn() >= 0) {
                    record(t1 - t0);
                } else {
                    recordStartUp(t1 - t0);
                }
            }
            return out;
        }
    }

    /** Notes that a call returned at {@code now}; true when it was not the first. */
    private synchronized boolean returned(long now) {
        if (!this.returned) {
            this.returned = true;
            this.firstReturn = now;
            return false;
        }
        return true;
    }

    private synchronized long firstReturn() {
        return firstReturn;
    }

    /** Records one call's latency. */
    public synchronized void record(long nanos) {
        latencies[(int) (samples % latencies.length)] = nanos;
        samples++;
    }

    private synchronized void recordStartUp(long nanos) {
        if (startUpSamples < startUp.length) {
            startUp[startUpSamples++] = nanos;
        }
    }

    /**
     * The percentile of the recent latencies in nanoseconds, or -1 while fewer than {@code minSamples} were timed;
     * the start-up wave's count only while fewer than {@code minSamples} later calls were.
     */
    public synchronized long delayNanos() {
        int n = (int) Math.min(samples, latencies.length);
        long[] sorted;
        if (n >= minSamples) {
            sorted = Arrays.copyOf(latencies, n);
        } else if (n + startUpSamples >= minSamples) {
            sorted = Arrays.copyOf(latencies, n + startUpSamples);
            System.arraycopy(startUp, 0, sorted, n, startUpSamples);
            n += startUpSamples;
        } else {
            return -1;
        }
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, index))];
    }
}
