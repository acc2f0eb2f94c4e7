package dev.promptopt.langchain4j;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Spaces calls evenly to at most N per minute. Thread-safe; share one instance between the models of a run
 * (task model and judge on the same account) so they draw from one allowance.
 *
 * <pre>{@code
 * RateLimiter openAiLimit = RateLimiter.perMinute(500);
 * LanguageModel task  = ResilientModel.builder(rawTask).rateLimiter(openAiLimit).build();
 * LanguageModel judge = ResilientModel.builder(rawJudge).rateLimiter(openAiLimit).build();
 * }</pre>
 */
public final class RateLimiter {
    private final long intervalNanos;
    private final LongSupplier ticker;
    private final Sleeper sleeper;
    private final int perMinute;
    private long nextFreeNanos;
    private boolean started;

    private RateLimiter(int perMinute, LongSupplier ticker, Sleeper sleeper) {
        if (perMinute <= 0) {
            throw new IllegalArgumentException("requests per minute must be > 0, found " + perMinute);
        }
        this.perMinute = perMinute;
        this.intervalNanos = Duration.ofMinutes(1).toNanos() / perMinute;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** At most {@code requestsPerMinute} calls a minute, on the system clock. */
    public static RateLimiter perMinute(int requestsPerMinute) {
        return new RateLimiter(requestsPerMinute, System::nanoTime, Sleeper.SYSTEM);
    }

    /** As {@link #perMinute(int)}, with an explicit nanosecond ticker and sleeper (for tests). */
    public static RateLimiter perMinute(int requestsPerMinute, LongSupplier nanoTicker, Sleeper sleeper) {
        return new RateLimiter(requestsPerMinute, nanoTicker, sleeper);
    }

    public int requestsPerMinute() {
        return perMinute;
    }

    /**
     * Waits until the next call may start, and reserves it.
     *
     * @return how long it waited
     */
    public Duration acquire() throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = ticker.getAsLong();
            if (!started) {
                started = true;
                nextFreeNanos = now;
            }
            long slot = Math.max(now, nextFreeNanos);
            nextFreeNanos = slot + intervalNanos;
            wait = slot - now;
        }
        Duration d = Duration.ofNanos(wait);
        if (wait > 0) {
            sleeper.sleep(d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "RateLimiter[" + perMinute + "/min]";
    }
}
