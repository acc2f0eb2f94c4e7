package dev.promptopt.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void eachSetterReturnsAChangedCopyAndLeavesTheOriginalAlone() {
        RetryPolicy defaults = RetryPolicy.ofDefaults();
        RetryPolicy changed = defaults.maxAttempts(7).initialBackoff(Duration.ofMillis(5)).multiplier(3)
                .maxBackoff(Duration.ofSeconds(4)).jitter(0.5).maxRetryAfter(Duration.ofSeconds(9));

        assertThat(changed).isEqualTo(new RetryPolicy(7, Duration.ofMillis(5), 3, Duration.ofSeconds(4), 0.5,
                Duration.ofSeconds(9)));
        assertThat(defaults).isEqualTo(RetryPolicy.ofDefaults());
        assertThat(defaults.maxAttempts()).isEqualTo(5);
    }

    @Test
    void noRetriesIsTheDefaultsWithOneAttempt() {
        assertThat(RetryPolicy.noRetries()).isEqualTo(RetryPolicy.ofDefaults().maxAttempts(1));
    }

    @Test
    void aCopyWithABadValueFailsNamingTheField() {
        assertThatThrownBy(() -> RetryPolicy.ofDefaults().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts").hasMessageContaining("0");
        assertThatThrownBy(() -> RetryPolicy.ofDefaults().jitter(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
        assertThatThrownBy(() -> RetryPolicy.ofDefaults().multiplier(0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
    }

    @Test
    void backoffGrowsByTheMultiplierUpToTheCap() {
        RetryPolicy p = RetryPolicy.ofDefaults().initialBackoff(Duration.ofSeconds(1)).multiplier(2)
                .maxBackoff(Duration.ofSeconds(5));
        assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofSeconds(5));
    }
}
