package dev.promptopt.langchain4j;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ResilientModel} retries retriable failures: exponential backoff with jitter, capped, and the
 * server's {@code Retry-After} honoured (up to {@link #maxRetryAfter()}).
 *
 * <pre>{@code
 * RetryPolicy p = RetryPolicy.custom().maxAttempts(6).initialBackoff(Duration.ofSeconds(2)).build();
 * RetryPolicy none = RetryPolicy.noRetries();
 * }</pre>
 *
 * @param maxAttempts    calls in all, the first included (1 = no retry)
 * @param initialBackoff wait before the first retry
 * @param multiplier     growth of the wait per retry
 * @param maxBackoff     cap on one computed wait
 * @param jitter         random spread of each wait, as a fraction in [0, 1] (0.2 = plus or minus 20%)
 * @param maxRetryAfter  cap on a server's Retry-After; a longer hint is clamped to it
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
                          double jitter, Duration maxRetryAfter) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, found " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoff durations must be >= 0");
        }
        if (!(multiplier >= 1)) {
            throw new IllegalArgumentException("multiplier must be >= 1, found " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1], found " + jitter);
        }
    }

    /** 5 attempts, 1 s doubling to at most 30 s, 20% jitter, Retry-After honoured up to 2 minutes. */
    public static RetryPolicy ofDefaults() {
        return new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2, Duration.ofMinutes(2));
    }

    /** One attempt. */
    public static RetryPolicy noRetries() {
        return custom().maxAttempts(1).build();
    }

    public static Builder custom() {
        return new Builder(ofDefaults());
    }

    public static Builder from(RetryPolicy base) {
        return new Builder(base);
    }

    /** The computed wait before retry number {@code retry} (1-based), before jitter. */
    public Duration backoff(int retry) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, retry - 1));
        return nanos >= maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos((long) nanos);
    }

    /** Builds a {@link RetryPolicy}. */
    public static final class Builder {
        private int maxAttempts;
        private Duration initialBackoff;
        private double multiplier;
        private Duration maxBackoff;
        private double jitter;
        private Duration maxRetryAfter;

        private Builder(RetryPolicy base) {
            maxAttempts = base.maxAttempts;
            initialBackoff = base.initialBackoff;
            multiplier = base.multiplier;
            maxBackoff = base.maxBackoff;
            jitter = base.jitter;
            maxRetryAfter = base.maxRetryAfter;
        }

        public Builder maxAttempts(int v) {
            maxAttempts = v;
            return this;
        }

        public Builder initialBackoff(Duration v) {
            initialBackoff = v;
            return this;
        }

        public Builder multiplier(double v) {
            multiplier = v;
            return this;
        }

        public Builder maxBackoff(Duration v) {
            maxBackoff = v;
            return this;
        }

        public Builder jitter(double v) {
            jitter = v;
            return this;
        }

        public Builder maxRetryAfter(Duration v) {
            maxRetryAfter = v;
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, maxRetryAfter);
        }
    }
}
