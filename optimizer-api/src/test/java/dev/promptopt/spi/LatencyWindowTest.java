package dev.promptopt.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void badSettingsFailNamingTheValue() {
        assertThatThrownBy(() -> new LatencyWindow(1.0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percentile").hasMessageContaining("found 1.0");
        assertThatThrownBy(() -> new LatencyWindow(0.9, 0, 1)).hasMessageContaining("minSamples must be >= 1, found 0");
        assertThatThrownBy(() -> new LatencyWindow(0.9, 5, 4)).hasMessageContaining("window must be >= minSamples (5), found 4");
    }
}
