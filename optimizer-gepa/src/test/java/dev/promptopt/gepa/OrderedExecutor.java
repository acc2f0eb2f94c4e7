package dev.promptopt.gepa;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * An executor that runs one task at a time on its own thread, choosing the next among the queued tasks
 * in a scripted order: first come first served, last come first served, or drawn at random from a seed.
 * It makes the order in which parallel proposals progress (and so finish) a test parameter, without sleeps.
 */
final class OrderedExecutor implements Executor, AutoCloseable {
    enum Order { FIFO, LIFO, RANDOM }

    private final List<Runnable> queue = new ArrayList<>();
    private final Order order;
    private final Random random;
    private final Thread driver;
    private boolean closed;

    OrderedExecutor(Order order, long seed) {
        this.order = order;
        this.random = new Random(seed);
        this.driver = new Thread(this::drive, "ordered-executor-" + order + "-" + seed);
        driver.setDaemon(true);
        driver.start();
    }

    @Override
    public synchronized void execute(Runnable task) {
        if (closed) {
            throw new IllegalStateException("executor closed");
        }
        queue.add(task);
        notifyAll();
    }

    private void drive() {
        while (true) {
            Runnable next;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                int i = switch (order) {
                    case FIFO -> 0;
                    case LIFO -> queue.size() - 1;
                    case RANDOM -> random.nextInt(queue.size());
                };
                next = queue.remove(i);
            }
            next.run();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
