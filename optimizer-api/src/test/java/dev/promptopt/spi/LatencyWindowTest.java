package dev.promptopt.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {
    @Test
    void noDelayUntilMinSamplesWereTimed() {
        LatencyWindow w = new LatencyWindow(0.9, 3, 10);
        w.record(100);
        w.record(200);
        assertThat(w.delayNanos()).isEqualTo(-1);
        w.record(300);
        assertThat(w.delayNanos()).isEqualTo(300);
    }

    @Test
    void theDelayIsThePercentileOfTheRecentCallsOnly() {
        LatencyWindow w = new LatencyWindow(0.5, 1, 4);
        for (long nanos : new long[] {1_000, 1_000, 1_000, 1_000}) {
            w.record(nanos);
        }
        assertThat(w.delayNanos()).isEqualTo(1_000);
        for (long nanos : new long[] {10, 20, 30, 40}) { // the window forgets the older, slower calls
            w.record(nanos);
        }
        assertThat(w.delayNanos()).isEqualTo(20);
        LatencyWindow p75 = new LatencyWindow(0.75, 1, 100);
        for (int i = 1; i <= 100; i++) {
            p75.record(i);
        }
        assertThat(p75.delayNanos()).isEqualTo(75);
    }

    @Test
    void timedCallsAreRecordedUnlessAClientRetriedOrTheyFailed() {
        LatencyWindow w = new LatencyWindow(0.9, 1, 10);
        long[] now = {0};
        w.time(() -> now[0], () -> now[0] += 500); // the first call: the start-up wave
        assertThat(w.delayNanos()).as("the start-up wave, while nothing else was timed").isEqualTo(500);
        assertThat(w.time(() -> now[0], () -> {
            now[0] += 30;
            return "clean";
        })).isEqualTo("clean");
        assertThat(w.delayNanos()).isEqualTo(30);
        assertThat(w.time(() -> now[0], () -> {
            CallRetries.retrying();
            now[0] += 1_000;
            return "retried";
        })).isEqualTo("retried");
        assertThatThrownBy(() -> w.time(() -> now[0], () -> {
            now[0] += 2_000;
            throw new IllegalStateException("failed");
        })).hasMessage("failed");
        assertThat(w.delayNanos()).as("only the clean call was recorded").isEqualTo(30);
    }

    @Test
    void callsThatStartedBeforeTheFirstOneReturnedCountOnlyUntilMinSamplesLaterOnesWereTimed() throws Exception {
        LatencyWindow w = new LatencyWindow(0.9, 2, 10);
        long[] now = {0};
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread startUpWave = new Thread(() -> {
            try {
                w.time(() -> now[0], () -> { // starts at 0, returns second, at 400
                    started.countDown();
                    release.await();
                    return "slow start";
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        startUpWave.start();
        started.await();
        w.time(() -> now[0], () -> now[0] += 300); // also starts at 0, returns first, at 300
        now[0] += 100;
        release.countDown();
        startUpWave.join();
        assertThat(w.delayNanos()).as("the start-up wave: 300 and 400").isEqualTo(400);
        w.time(() -> now[0], () -> now[0] += 50); // starts at 400, after the first return
        assertThat(w.delayNanos()).as("one later call: still with the start-up wave").isEqualTo(400);
        w.time(() -> now[0], () -> now[0] += 60);
        assertThat(w.delayNanos()).as("minSamples later calls: the start-up wave no longer counts").isEqualTo(60);
    }

    @Test
    void aRetryIsSeenByEveryOpenCountOnItsThreadAndNoOther() throws Exception {
        try (CallRetries.Count outer = CallRetries.count()) {
            try (CallRetries.Count inner = CallRetries.count()) {
                CallRetries.retrying();
                assertThat(inner.retries()).isEqualTo(1);
            }
            Thread other = new Thread(CallRetries::retrying);
            other.start();
            other.join();
            assertThat(outer.retries()).as("the inner retry, not the other thread's").isEqualTo(1);
            assertThat(outer.clean()).isFalse();
        }
        CallRetries.retrying(); // no count open: nothing to note, nothing thrown
        try (CallRetries.Count fresh = CallRetries.count()) {
            assertThat(fresh.clean()).isTrue();
        }
    }

    @Test
    void badSettingsFailNamingTheValue() {
        assertThatThrownBy(() -> new LatencyWindow(1.0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percentile").hasMessageContaining("found 1.0");
        assertThatThrownBy(() -> new LatencyWindow(0.9, 0, 1)).hasMessageContaining("minSamples must be >= 1, found 0");
        assertThatThrownBy(() -> new LatencyWindow(0.9, 5, 4)).hasMessageContaining("window must be >= minSamples (5), found 4");
    }
}
