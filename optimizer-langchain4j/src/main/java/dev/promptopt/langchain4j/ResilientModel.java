package dev.promptopt.langchain4j;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.langchain4j.internal.ModelErrors;
import dev.promptopt.spi.CallRetries;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps any {@link LanguageModel} with retries (exponential backoff with jitter, honouring Retry-After),
 * a per-call timeout and a shared requests-per-minute limit. Permanent failures (401, 400, ...) fail at once.
 * Whether a failure is retriable is decided in one place (see {@link dev.promptopt.ModelException#retriable()}).
 *
 * <pre>{@code
 * LanguageModel safe = ResilientModel.builder(model)
 *     .retryPolicy(RetryPolicy.ofDefaults().maxAttempts(6))
 *     .timeout(Duration.ofSeconds(60))
 *     .rateLimiter(RateLimiter.perMinute(500))
 *     .build();
 * }</pre>
 */
public final class ResilientModel implements LanguageModel {
    private static final Logger log = LoggerFactory.getLogger(ResilientModel.class);
    private static final ExecutorService TIMEOUT_EXECUTOR = Executors.newCachedThreadPool(new DaemonThreads());

    private final LanguageModel delegate;
    private final RetryPolicy policy;
    private final Duration timeout;
    private final RateLimiter rateLimiter;
    private final Sleeper sleeper;
    private final Random random;

    private ResilientModel(Builder b) {
        this.delegate = b.delegate;
        this.policy = b.policy;
        this.timeout = b.timeout;
        this.rateLimiter = b.rateLimiter;
        this.sleeper = b.sleeper;
        this.random = b.random;
    }

    /** Default retries, no timeout, no rate limit. */
    public static ResilientModel wrap(LanguageModel model) {
        return builder(model).build();
    }

    public static Builder builder(LanguageModel model) {
        return new Builder(model);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    /** The wrapped model. */
    public LanguageModel delegate() {
        return delegate;
    }

    public RetryPolicy retryPolicy() {
        return policy;
    }

    @Override
    public ModelResponse chat(List<ChatMessage> messages) {
        for (int attempt = 1; ; attempt++) {
            ModelException failure;
            try {
                if (rateLimiter != null) {
                    rateLimiter.acquire();
                }
                return callOnce(messages);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ModelException.permanent(name() + ": interrupted", e);
            } catch (RuntimeException e) {
                failure = ModelErrors.translate(name(), e, null);
            }
            if (!failure.retriable()) {
                throw failure;
            }
            if (attempt >= policy.maxAttempts()) {
                throw ModelException.retriable(name() + ": gave up after " + attempt + " attempt"
                        + (attempt == 1 ? "" : "s") + "; last failure: " + failure.getMessage(), failure);
            }
            Duration wait = waitBefore(attempt, failure);
            log.warn("{}: attempt {}/{} failed ({}); retrying in {} ms", name(), attempt, policy.maxAttempts(),
                    failure.getMessage(), wait.toMillis());
            CallRetries.retrying(); // a latency timed around this call is not one attempt's (hedging skips it)
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ModelException.permanent(name() + ": interrupted while waiting to retry", e);
            }
        }
    }

    private ModelResponse callOnce(List<ChatMessage> messages) throws InterruptedException {
        if (timeout == null) {
            return delegate.chat(messages);
        }
        Future<ModelResponse> future = TIMEOUT_EXECUTOR.submit(() -> delegate.chat(messages));
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw ModelException.retriable(name() + ": no answer within " + timeout.toMillis() + " ms (per-call timeout)", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw ModelException.permanent(name() + ": " + cause, cause);
        }
    }

    /** The wait before the next attempt: the server's Retry-After (capped), else backoff with jitter. */
    Duration waitBefore(int attempt, ModelException failure) {
        Optional<Duration> hint = ModelErrors.retryAfter(failure);
        if (hint.isPresent()) {
            Duration d = hint.get();
            return d.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : d;
        }
        Duration base = policy.backoff(attempt);
        double factor;
        synchronized (random) {
            factor = 1 + policy.jitter() * (2 * random.nextDouble() - 1);
        }
        return Duration.ofNanos((long) (base.toNanos() * factor));
    }

    @Override
    public String toString() {
        return "ResilientModel[" + delegate + ", " + policy.maxAttempts() + " attempts"
                + (timeout == null ? "" : ", timeout " + timeout) + (rateLimiter == null ? "" : ", " + rateLimiter) + "]";
    }

    /** Builds a {@link ResilientModel}. */
    public static final class Builder {
        private final LanguageModel delegate;
        private RetryPolicy policy = RetryPolicy.ofDefaults();
        private Duration timeout;
        private RateLimiter rateLimiter;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Random random = new Random();

        private Builder(LanguageModel delegate) {
            this.delegate = Objects.requireNonNull(delegate, "model");
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Most time one attempt may take; a slower attempt counts as a retriable failure. Default: none. */
        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout must be > 0, found " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** A limiter shared with other models of the same account. Default: none. */
        public Builder rateLimiter(RateLimiter rateLimiter) {
            this.rateLimiter = rateLimiter;
            return this;
        }

        /** How to wait between attempts (tests record instead of sleeping). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The source of jitter; seed it for reproducible waits. */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public ResilientModel build() {
            return new ResilientModel(this);
        }
    }

    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "promptopt-model-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
