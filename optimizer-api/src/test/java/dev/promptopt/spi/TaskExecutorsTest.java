package dev.promptopt.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskExecutorsTest {

    @Test
    void runsTasksConcurrentlyBeyondAnyPoolSize() throws Exception {
        ExecutorService executor = TaskExecutors.unbounded("test-pool");
        try {
            int tasks = 32;
            CountDownLatch allStarted = new CountDownLatch(tasks);
            CountDownLatch release = new CountDownLatch(1);
            Future<?>[] futures = new Future<?>[tasks];
            for (int i = 0; i < tasks; i++) {
                futures[i] = executor.submit(() -> {
                    allStarted.countDown();
                    release.await();
                    return null;
                });
            }
            assertThat(allStarted.await(30, TimeUnit.SECONDS)).as("all tasks running at once").isTrue();
            release.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void platformThreadsAreNamedDaemonsWhenVirtualThreadsAreMissing() throws Exception {
        ExecutorService executor = TaskExecutors.unbounded("test-pool");
        try {
            Thread t = executor.submit(Thread::currentThread).get(30, TimeUnit.SECONDS);
            if (Runtime.version().feature() < 21) {
                assertThat(t.getName()).startsWith("test-pool-");
                assertThat(t.isDaemon()).isTrue();
            } else {
                assertThat(t.isDaemon()).as("virtual threads are daemons").isTrue();
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void refusesABlankPrefix() {
        assertThatThrownBy(() -> TaskExecutors.unbounded(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namePrefix");
    }
}
