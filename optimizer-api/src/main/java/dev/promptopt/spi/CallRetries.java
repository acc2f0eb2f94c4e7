package dev.promptopt.spi;

/**
 * The retries model clients make on the current thread, so that a latency measured around a call can tell a clean
 * call from one that waited for a retry. Hedging's latency windows keep clean calls only: under faults, the slowest
 * calls are the retried ones, and a percentile over them would send hedges too late, whatever the percentile.
 *
 * <p>A retrying client calls {@link #retrying()} before each new attempt; code timing a call opens a
 * {@link Count} around it, on the thread that makes the call.
 *
 * <pre>{@code
 * try (CallRetries.Count count = CallRetries.count()) {
 *     long t0 = System.nanoTime();
 *     model.chat(messages);
 *     if (count.clean()) window.record(System.nanoTime() - t0);
 * }
 * }</pre>
 */
public final class CallRetries {
    private static final ThreadLocal<Count> CURRENT = new ThreadLocal<>();

    private CallRetries() {
    }

    /** Starts counting the retries made on this thread until the count is closed (counts may nest). */
    public static Count count() {
        Count c = new Count(CURRENT.get());
        CURRENT.set(c);
        return c;
    }

    /** Notes that the calling thread is about to try a call again; every open count on the thread sees it. */
    public static void retrying() {
        for (Count c = CURRENT.get(); c != null; c = c.outer) {
            c.retries++;
        }
    }

    /** The retries made on one thread while it was open. Confined to that thread. */
    public static final class Count implements AutoCloseable {
        private final Count outer;
        private int retries;
        private boolean closed;

        private Count(Count outer) {
            this.outer = outer;
        }

        /** Retries noted since this count was opened. */
        public int retries() {
            return retries;
        }

        /** Whether no retry was noted: the call's latency is that of one attempt. */
        public boolean clean() {
            return retries == 0;
        }

        /** Stops counting; the enclosing count, if any, is the thread's again. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}
