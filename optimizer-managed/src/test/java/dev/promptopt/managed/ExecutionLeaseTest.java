package dev.promptopt.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ObjectStore;
import dev.promptopt.RunInUseException;
import dev.promptopt.core.local.DirectoryObjectStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One worker per managed execution: a live lease is never taken over, a dead owner's is, after it expires. */
class ExecutionLeaseTest {
    @TempDir
    Path dir;

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @Test
    void aLiveLeaseIsNeverTakenOverAndAnExpiredOneIs() {
        ManualClock clock = new ManualClock();
        ManagedFixture f = ManagedFixture.in(dir);
        OptimizationConfig config = OptimizationConfig.load(f.write(f.config()));
        Executions a = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work-a")).clock(clock)
                .workerId("worker-a").leaseDuration(Duration.ofSeconds(60)).build();
        Executions b = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work-b")).clock(clock)
                .workerId("worker-b").leaseDuration(Duration.ofSeconds(60)).build();
        a.create(config, "exec-lease");
        ObjectStore store = config.buildStores().defaultStore();
        // Worker A took the execution and then died without releasing its lease.
        new ExecutionLease(store, "exec-lease", "worker-a", clock, Duration.ofSeconds(60)).acquire();

        clock.advance(Duration.ofSeconds(59));
        assertThatThrownBy(() -> b.resume("exec-lease").run()).isInstanceOf(RunInUseException.class)
                .hasMessageStartingWith("execution 'exec-lease' is being run by worker worker-a (pid "
                        + ProcessHandle.current().pid() + " on host ")
                .hasMessageContaining("since 2026-01-01T00:00:00Z); its lease runs until 2026-01-01T00:01:00Z")
                .hasMessageEndingWith("a worker that died loses the execution when its lease expires");
        assertThat(b.status("exec-lease").status()).isEqualTo(ExecutionStatus.PENDING);

        clock.advance(Duration.ofSeconds(2));
        ExecutionState end = b.resume("exec-lease").run();
        assertThat(end.status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(store.exists("exec-lease/" + ExecutionLease.KEY)).as("released at the end").isFalse();
    }

    @Test
    void aLeaseWhoseOwnerProcessOnThisHostIsGoneIsTakenAtOnce() throws Exception {
        ManualClock clock = new ManualClock();
        ObjectStore store = new DirectoryObjectStore(dir.resolve("store"));
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(dir.resolve("gone.log").toFile()).start();
        assertThat(gone.waitFor(60, TimeUnit.SECONDS)).isTrue();
        store.put("e3/lease.json", ("{\"owner\": \"killed-worker\", \"host\": \"" + ExecutionLease.host()
                + "\", \"pid\": " + gone.pid() + ", \"acquired\": \"2026-01-01T00:00:00Z\","
                + " \"expires\": \"2026-01-01T01:00:00Z\"}").getBytes(StandardCharsets.UTF_8));

        new ExecutionLease(store, "e3", "worker-b", clock, Duration.ofSeconds(30)).acquire();

        assertThat(new String(store.get("e3/lease.json"), StandardCharsets.UTF_8)).contains("\"owner\" : \"worker-b\"");
        // The same lease held by a live process (this one) is refused.
        ExecutionLease live = new ExecutionLease(store, "e3", "worker-c", clock, Duration.ofSeconds(30));
        assertThatThrownBy(live::acquire).isInstanceOf(RunInUseException.class)
                .hasMessageStartingWith("execution 'e3' is being run by worker worker-b");
    }

    @Test
    void aSecondWorkerRefusesToResumeAnExecutionAnotherWorkerIsRunning() {
        ManagedFixture f = ManagedFixture.in(dir);
        Path configFile = f.write(f.config());
        OptimizationConfig config = OptimizationConfig.load(configFile);
        Executions.builder(config.buildStores()).workDirectory(dir.resolve("work")).build().create(config, "exec-cli");
        ObjectStore store = config.buildStores().defaultStore();
        new ExecutionLease(store, "exec-cli", "worker-elsewhere", Clock.systemUTC(), Duration.ofHours(1)).acquire();

        Executions second = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work-2")).build();

        assertThatThrownBy(() -> second.resume("exec-cli", config).run()).isInstanceOf(RunInUseException.class)
                .hasMessageStartingWith("execution 'exec-cli' is being run by worker worker-elsewhere (pid "
                        + ProcessHandle.current().pid() + " on host ");
        assertThat(dir.resolve("work-2/exec-cli/runs")).as("no run folder was started").doesNotExist();
    }

    @Test
    void aWorkerPresumedDeadLearnsAtItsNextRenewalThatItLostTheLease() {
        ManualClock clock = new ManualClock();
        ObjectStore store = new DirectoryObjectStore(dir.resolve("store"));
        ExecutionLease a = new ExecutionLease(store, "e1", "worker-a", clock, Duration.ofSeconds(30));
        ExecutionLease b = new ExecutionLease(store, "e1", "worker-b", clock, Duration.ofSeconds(30));
        a.acquire();
        clock.advance(Duration.ofSeconds(10));
        a.renew(); // now good until 00:00:40
        clock.advance(Duration.ofSeconds(29));
        assertThatThrownBy(b::acquire).isInstanceOf(RunInUseException.class)
                .hasMessageContaining("its lease runs until 2026-01-01T00:00:40Z");
        clock.advance(Duration.ofSeconds(2)); // A stalled past its lease
        b.acquire();
        assertThatThrownBy(a::renew).isInstanceOf(RunInUseException.class)
                .hasMessageStartingWith("execution 'e1': the lease of worker worker-a was taken by worker worker-b (pid ")
                .hasMessageEndingWith("; this worker stops so that only one runs it");
        a.release(); // not A's any more: B keeps it
        assertThat(new String(store.get("e1/lease.json"), StandardCharsets.UTF_8)).contains("\"owner\" : \"worker-b\"");
    }

    @Test
    void twoTakersOfAnExpiredLeaseAtOnceLeaveExactlyOneOwner() throws Exception {
        ManualClock clock = new ManualClock();
        DirectoryObjectStore real = new DirectoryObjectStore(dir.resolve("store"));
        new ExecutionLease(real, "e2", "dead-worker", clock, Duration.ofSeconds(30)).acquire();
        clock.advance(Duration.ofSeconds(31));
        // Both takers read the expired lease before either writes, and write before either reads it back.
        CyclicBarrier bothRead = new CyclicBarrier(2);
        CyclicBarrier bothWritten = new CyclicBarrier(2);
        ObjectStore racing = new ObjectStore() {
            @Override
            public byte[] get(String key) {
                return real.get(key);
            }

            @Override
            public InputStream open(String key) {
                return real.open(key);
            }

            @Override
            public void put(String key, byte[] content) {
                try {
                    bothRead.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                real.put(key, content);
                try {
                    bothWritten.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void put(String key, InputStream content) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<String> list(String prefix) {
                return real.list(prefix);
            }

            @Override
            public boolean exists(String key) {
                return real.exists(key);
            }

            @Override
            public void delete(String key) {
                real.delete(key);
            }

            @Override
            public String describe() {
                return real.describe();
            }
        };
        // Two threads of their own: the common pool may have a single thread on a small machine.
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        List<String> outcomes;
        try {
            CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> take(racing, "worker-a", clock), two);
            CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> take(racing, "worker-b", clock), two);
            outcomes = List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
        } finally {
            two.shutdownNow();
        }

        assertThat(outcomes).filteredOn(o -> o.equals("owner")).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o.startsWith("execution 'e2' was taken at the same moment by worker "))
                .hasSize(1);
    }

    private static String take(ObjectStore store, String worker, Clock clock) {
        try {
            new ExecutionLease(store, "e2", worker, clock, Duration.ofSeconds(30)).acquire();
            return "owner";
        } catch (RunInUseException e) {
            return e.getMessage();
        }
    }
}
