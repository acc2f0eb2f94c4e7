package dev.promptopt.managed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.ObjectStore;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.RunInUseException;
import dev.promptopt.core.io.JsonSupport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The lease of a managed execution whose state lives in an object store: {@code <id>/lease.json} names the worker
 * running it and until when. A worker takes an execution only when there is no lease, the lease is its own, or the
 * lease has expired (its owner died or lost the store); it renews the lease while it runs and deletes it at the end.
 *
 * <p>Two workers taking the same expired lease at once: each writes its lease, then reads it back, and only the one
 * whose write survived goes on. Object stores here offer no conditional write, so a window remains: a taker that
 * reads back before the other one writes also goes on. The renewal closes it: every renewal reads the lease first,
 * and a worker that finds another owner stops its run before its next batch of calls. So at most one worker keeps
 * running after the first renewal ({@code syncInterval}, default 1 s).
 */
final class ExecutionLease {
    static final String KEY = "lease.json";

    /** The lease as stored. */
    record Holder(String owner, String host, long pid, Instant acquired, Instant expires) {
        String describe() {
            return "worker " + owner + " (pid " + pid + " on host " + host + ", since " + acquired + ")";
        }
    }

    private final ObjectStore store;
    private final String executionId;
    private final String key;
    private final String owner;
    private final Clock clock;
    private final Duration duration;
    private Instant acquired;

    ExecutionLease(ObjectStore store, String executionId, String owner, Clock clock, Duration duration) {
        this.store = store;
        this.executionId = executionId;
        this.key = executionId + "/" + KEY;
        this.owner = owner;
        this.clock = clock;
        this.duration = duration;
    }

    /**
     * Takes the lease.
     *
     * @throws RunInUseException when another worker holds a live lease, or won a simultaneous take-over
     */
    synchronized void acquire() {
        Instant now = clock.instant();
        Holder current = read();
        if (current != null && !current.owner().equals(owner) && current.expires().isAfter(now)
                && !provablyDead(current)) {
            throw new RunInUseException("execution '" + executionId + "' is being run by " + current.describe()
                    + "; its lease runs until " + current.expires() + " (it is renewed while that worker runs):"
                    + " wait for it to end or cancel it; a worker that died loses the execution when its lease expires");
        }
        acquired = now;
        write(now);
        Holder back = read();
        if (back == null || !back.owner().equals(owner)) {
            throw new RunInUseException("execution '" + executionId + "' was taken at the same moment by "
                    + (back == null ? "another worker, which has ended it" : back.describe())
                    + ": only one worker may run it");
        }
    }

    /**
     * Extends the lease; called while the execution runs.
     *
     * @throws RunInUseException when the lease now names another worker (this worker was presumed dead)
     */
    synchronized void renew() {
        Holder current = read();
        if (current == null || !current.owner().equals(owner)) {
            throw new RunInUseException("execution '" + executionId + "': the lease of worker " + owner + " was taken by "
                    + (current == null ? "nobody (it was deleted)" : current.describe())
                    + "; this worker stops so that only one runs it");
        }
        write(clock.instant());
    }

    /** Gives the lease up, if it is still this worker's. */
    synchronized void release() {
        Holder current = read();
        if (current != null && current.owner().equals(owner)) {
            store.delete(key);
        }
    }

    String owner() {
        return owner;
    }

    /**
     * Whether the lease's owner ran on this host and its process is gone (killed or crashed): then its lease is void
     * at once instead of at its expiry. On another host only the expiry can tell.
     */
    private static boolean provablyDead(Holder h) {
        return h.host().equals(host()) && h.pid() != ProcessHandle.current().pid()
                && ProcessHandle.of(h.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private void write(Instant now) {
        ObjectNode n = JsonSupport.mapper().createObjectNode();
        n.put("owner", owner);
        n.put("host", host());
        n.put("pid", ProcessHandle.current().pid());
        n.put("acquired", (acquired == null ? now : acquired).toString());
        n.put("expires", now.plus(duration).toString());
        store.put(key, JsonSupport.toFileBytes(n));
    }

    private Holder read() {
        if (!store.exists(key)) {
            return null;
        }
        try {
            JsonNode n = JsonSupport.mapper().readTree(store.get(key));
            return new Holder(n.path("owner").asText(), n.path("host").asText(), n.path("pid").asLong(),
                    Instant.parse(n.path("acquired").asText()), Instant.parse(n.path("expires").asText()));
        } catch (IOException | RuntimeException e) {
            if (e instanceof dev.promptopt.ObjectStoreException && !store.exists(key)) {
                return null; // released between exists and get
            }
            throw new PromptOptimizerException("lease " + key + " in " + store.describe() + " is unreadable: " + e, e);
        }
    }

    static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
