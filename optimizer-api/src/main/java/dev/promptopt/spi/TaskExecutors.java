package dev.promptopt.spi;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor the engine and the optimizers run model calls on: virtual threads when the runtime has them
 * (Java 21+), else a cached pool of daemon threads. Either way a semaphore or a fixed number of tasks, not
 * the pool, bounds the calls in flight; the caller shuts the executor down.
 *
 * <pre>{@code
 * ExecutorService executor = TaskExecutors.unbounded("promptopt-eval");
 * }</pre>
 */
public final class TaskExecutors {
    private TaskExecutors() {
    }

    /**
     * A new unbounded executor; platform threads (used only before Java 21) are daemons named
     * {@code namePrefix-1}, {@code namePrefix-2}, ...
     */
    public static ExecutorService unbounded(String namePrefix) {
        if (namePrefix == null || namePrefix.isBlank()) {
            throw new IllegalArgumentException("namePrefix: expected a thread name prefix, found '" + namePrefix + "'");
        }
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            AtomicInteger n = new AtomicInteger();
            ThreadFactory threads = r -> {
                Thread t = new Thread(r, namePrefix + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            return Executors.newCachedThreadPool(threads);
        }
    }
}
