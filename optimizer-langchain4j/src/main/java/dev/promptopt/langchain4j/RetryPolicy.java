package dev.promptopt.langchain4j;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ResilientModel} retries retriable failures: exponential backoff with jitter, capped, and the
 * server's {@code Retry-After} honoured (up to {@link #maxRetryAfter()}).
 *
 * <pre>{@code
 * RetryPolicy p = RetryPolicy.ofDefaults().maxAttempts(6).initialBackoff(Duration.ofSeconds(2));
 * RetryPolicy none = RetryPolicy.noRetries();
 * }</pre>
 *
 * <p>Like every options type here, it is immutable: each setter-named method returns a changed copy and the
 * copy validates itself.
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
        return ofDefaults().maxAttempts(1);
    }

    /** The computed wait before retry number {@code retry} (1-based), before jitter. */
    public Duration backoff(int retry) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, retry - 1));
        return nanos >= maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos((long) nanos);
    }

    /** A copy with {@code v} calls in all (1 = no retry). */
    public RetryPolicy maxAttempts(int v) {
        return new RetryPolicy(v, initialBackoff, multiplier, maxBackoff, jitter, maxRetryAfter);
    }

    /** A copy that waits {@code v} before the first retry. */
    public RetryPolicy initialBackoff(Duration v) {
        return new RetryPolicy(maxAttempts, v, multiplier, maxBackoff, jitter, maxRetryAfter);
    }

    /** A copy whose wait grows by {@code v} per retry. */
    public RetryPolicy multiplier(double v) {
        return new RetryPolicy(maxAttempts, initialBackoff, v, maxBackoff, jitter, maxRetryAfter);
    }

    /** A copy that caps one computed wait at {@code v}. */
    public RetryPolicy maxBackoff(Duration v) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, v, jitter, maxRetryAfter);
    }

    /** A copy with jitter {@code v} in [0, 1]. */
    public RetryPolicy jitter(double v) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, v, maxRetryAfter);
    }

    /** A copy that clamps a server's Retry-After to {@code v}. */
    public RetryPolicy maxRetryAfter(Duration v) {
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, v);
    }
}
