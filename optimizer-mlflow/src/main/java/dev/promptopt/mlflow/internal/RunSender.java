package dev.promptopt.mlflow.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.mlflow.MlflowException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one run's metrics and uploads in the background, so a slow or briefly unreachable server never slows the
 * optimizer: callers enqueue and return; one daemon thread sends, in order, metrics batched into
 * {@code runs/log-batch} calls (up to 1000 per call) and other calls one by one. An item leaves the queue only
 * once the server has acknowledged it; a retriable failure keeps it for the next attempt (after a back-off, or at
 * once when {@link #flush} asks), a permanent one drops it with a warning. A metric point (key and step) is sent
 * at most once per run: points the server already holds (a resumed run) are skipped. Not public API.
 */
public final class RunSender {
    private static final Logger log = LoggerFactory.getLogger(RunSender.class);
    private static final int MAX_METRICS_PER_BATCH = 1000;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    /** A call other than a metric: an upload, a tag, a trace. */
    @FunctionalInterface
    public interface Call {
        void send(MlflowRest rest);
    }

    private record Metric(String key, double value, long step, long timestamp) {
    }

    private record Task(String what, Call call, boolean retry) {
    }

    private final MlflowRest rest;
    private final String runId;
    private final Deque<Object> queue = new ArrayDeque<>();
    private final Set<String> points = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private MlflowException failure;
    private long attempts;
    private boolean flushRequested;
    private boolean closed;

    public RunSender(MlflowRest rest, String runId) {
        this.rest = rest;
        this.runId = runId;
        this.thread = new Thread(this::loop, "mlflow-run-sender-" + runId);
        thread.setDaemon(true);
    }

    /** Marks a metric point as already on the server (a continued run), so it is never sent again. */
    public void known(String key, long step) {
        points.add(key + '\u0000' + step);
    }

    /** Queues one metric point; a point (key, step) already sent or queued is ignored. */
    public void metric(String key, double value, long step) {
        if (!points.add(key + '\u0000' + step)) {
            return;
        }
        enqueue(new Metric(key, value, step, System.currentTimeMillis()));
    }

    /**
     * Queues a call.
     *
     * @param retry whether a retriable failure keeps it for another attempt (false: it is dropped with a warning)
     */
    public void call(String what, Call call, boolean retry) {
        enqueue(new Task(what, call, retry));
    }

    private synchronized void enqueue(Object item) {
        if (closed) {
            throw new IllegalStateException("MLflow run " + runId + " has finished: nothing more can be logged to it");
        }
        queue.addLast(item);
        if (thread.getState() == Thread.State.NEW) { // started by the first item: a run that logs nothing costs no thread
            thread.start();
        }
        notifyAll();
    }

    /**
     * Waits until every queued item has been acknowledged.
     *
     * @throws MlflowException when the server still fails after the attempt this flush asked for
     */
    public synchronized void flush() {
        long attemptsAtStart = attempts;
        flushRequested = true;
        notifyAll();
        try {
            while (!queue.isEmpty()) {
                if (failure != null && attempts > attemptsAtStart) {
                    MlflowException f = failure;
                    throw new MlflowException(queue.size() + " logged item(s) of MLflow run " + runId
                            + " could not be sent: " + f.getMessage(), f.statusCode(), f.errorCode(), f.retriable(), f);
                }
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlflowException("interrupted while sending MLflow run " + runId, 0, "", false, e);
        } finally {
            flushRequested = false;
        }
    }

    /** Flushes, then stops the sender thread. */
    public void close() {
        try {
            flush();
        } finally {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
        }
    }

    private void loop() {
        while (true) {
            List<Object> batch;
            synchronized (this) {
                try {
                    while (queue.isEmpty() && !closed) {
                        wait();
                    }
                    if (queue.isEmpty()) {
                        return;
                    }
                    if (failure != null && !flushRequested && !closed) {
                        wait(Math.min(MAX_BACKOFF_MILLIS, 250L << Math.min(attempts, 5))); // back off; a flush wakes us
                    }
                } catch (InterruptedException e) {
                    return;
                }
                batch = head();
            }
            try {
                send(batch);
                synchronized (this) {
                    batch.forEach(i -> queue.removeFirst());
                    failure = null;
                    notifyAll();
                }
            } catch (MlflowException e) {
                synchronized (this) {
                    attempts++;
                    if (closed) { // the run has finished and its flush failed: give up rather than retry forever
                        log.warn("MLflow run {}: {} logged item(s) were not sent: {}", runId, queue.size(), e.getMessage());
                        queue.clear();
                        notifyAll();
                        return;
                    }
                    boolean keep = e.retriable() && !(batch.get(0) instanceof Task t && !t.retry());
                    if (keep) {
                        failure = e;
                        log.debug("MLflow run {}: sending failed, will try again: {}", runId, e.getMessage());
                    } else {
                        batch.forEach(i -> queue.removeFirst());
                        log.warn("MLflow run {}: dropped {} after a failure: {}", runId, describe(batch), e.getMessage());
                    }
                    notifyAll();
                }
            } catch (RuntimeException e) {
                synchronized (this) {
                    attempts++;
                    batch.forEach(i -> queue.removeFirst());
                    log.warn("MLflow run {}: dropped {} after a failure", runId, describe(batch), e);
                    notifyAll();
                }
            }
        }
    }

    /** The next unit to send: a run of metrics, or one call. */
    private List<Object> head() {
        List<Object> batch = new ArrayList<>();
        for (Object item : queue) {
            if (item instanceof Task) {
                if (batch.isEmpty()) {
                    batch.add(item);
                }
                break;
            }
            batch.add(item);
            if (batch.size() == MAX_METRICS_PER_BATCH) {
                break;
            }
        }
        return batch;
    }

    private void send(List<Object> batch) {
        if (batch.get(0) instanceof Task t) {
            t.call().send(rest);
            return;
        }
        ObjectNode body = MlflowRest.object().put("run_id", runId);
        ArrayNode metrics = body.putArray("metrics");
        for (Object o : batch) {
            Metric m = (Metric) o;
            metrics.addObject().put("key", m.key()).put("value", m.value()).put("step", m.step())
                    .put("timestamp", m.timestamp());
        }
        rest.post("/api/2.0/mlflow/runs/log-batch", body);
    }

    private static String describe(List<Object> batch) {
        return batch.get(0) instanceof Task t ? t.what() : batch.size() + " metric point(s)";
    }
}
