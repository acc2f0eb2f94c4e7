package dev.promptopt.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResilientModelTest {
    final List<Duration> sleeps = new ArrayList<>();

    /** Fails with the scripted exceptions in order, then answers. */
    static LanguageModel failing(RuntimeException... failures) {
        Deque<RuntimeException> queue = new ArrayDeque<>(List.of(failures));
        return new LanguageModel() {
            @Override
            public String name() {
                return "scripted:/m";
            }

            @Override
            public synchronized ModelResponse chat(List<ChatMessage> messages) {
                RuntimeException next = queue.poll();
                if (next != null) {
                    throw next;
                }
                return ModelResponse.of("ok");
            }
        };
    }

    ResilientModel.Builder resilient(LanguageModel m) {
        return ResilientModel.builder(m).sleeper(sleeps::add).random(new Random(1));
    }

    @Test
    void retriableFailuresAreRetriedWithGrowingJitteredBackoff() {
        LanguageModel m = resilient(failing(ModelException.retriable("429"), ModelException.retriable("503"),
                ModelException.retriable("500"))).build();

        assertThat(m.chat("hi").text()).isEqualTo("ok");
        assertThat(sleeps).hasSize(3);
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
        assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4800));
    }

    @Test
    void eachRetryIsNotedSoAHedgingWindowLeavesTheCallOut() {
        LanguageModel m = resilient(failing(ModelException.retriable("429"), ModelException.retriable("503"))).build();
        try (dev.promptopt.spi.CallRetries.Count count = dev.promptopt.spi.CallRetries.count()) {
            assertThat(m.chat("hi").text()).isEqualTo("ok");
            assertThat(count.retries()).isEqualTo(2);
        }
        try (dev.promptopt.spi.CallRetries.Count count = dev.promptopt.spi.CallRetries.count()) {
            assertThat(m.chat("hi").text()).isEqualTo("ok");
            assertThat(count.clean()).as("answered at the first attempt").isTrue();
        }
    }

    @Test
    void backoffIsCappedAtMaxBackoff() {
        RetryPolicy p = RetryPolicy.ofDefaults().initialBackoff(Duration.ofSeconds(10))
                .maxBackoff(Duration.ofSeconds(15));
        assertThat(p.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.backoff(5)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void permanentFailuresFailFastWithoutWaiting() {
        LanguageModel m = resilient(failing(ModelException.permanent("scripted:/m: HTTP 401 Unauthorized"))).build();

        assertThatThrownBy(() -> m.chat("hi")).isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.retriable()).isFalse()).hasMessageContaining("401");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void unknownRuntimeExceptionsArePermanentAndNamed() {
        LanguageModel m = resilient(failing(new IllegalStateException("weird"))).build();

        assertThatThrownBy(() -> m.chat("hi")).isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.retriable()).isFalse()).hasMessageContaining("scripted:/m").hasMessageContaining("weird");
    }

    @Test
    void aCallThatNeverAnswersHitsThePerCallTimeoutIsInterruptedAndIsRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch firstCallInterrupted = new CountDownLatch(1);
        LanguageModel hangsOnce = new LanguageModel() {
            @Override
            public String name() {
                return "slow:/m";
            }

            @Override
            public ModelResponse chat(List<ChatMessage> messages) {
                if (calls.incrementAndGet() == 1) {
                    try {
                        never.await(); // no answer until the timeout cancels the call
                    } catch (InterruptedException e) {
                        firstCallInterrupted.countDown();
                        Thread.currentThread().interrupt();
                    }
                }
                return ModelResponse.of("late but fine");
            }
        };

        ModelResponse r = resilient(hangsOnce).timeout(Duration.ofMillis(100)).build().chat("hi");

        assertThat(r.text()).isEqualTo("late but fine");
        assertThat(calls).hasValue(2);
        assertThat(sleeps).as("one backoff between the timed-out call and the retry").hasSize(1);
        assertThat(firstCallInterrupted.await(30, TimeUnit.SECONDS)).as("the timed-out call was cancelled").isTrue();
    }

    @Test
    void aRetryAfterLongerThanTheCapIsClamped() {
        RetryPolicy p = RetryPolicy.ofDefaults().maxRetryAfter(Duration.ofSeconds(30));
        ModelException withHint = ModelException.retriable("429",
                new dev.promptopt.langchain4j.internal.HttpStatusException(429, "slow down", Duration.ofMinutes(10)));
        LanguageModel m = resilient(failing(withHint)).retryPolicy(p).build();

        m.chat("hi");

        assertThat(sleeps).containsExactly(Duration.ofSeconds(30));
    }

    @Test
    void theRateLimiterSpacesCallsEvenly() throws Exception {
        long[] now = {0};
        List<Duration> waits = new ArrayList<>();
        RateLimiter limiter = RateLimiter.perMinute(120, () -> now[0], d -> waits.add(d));

        limiter.acquire();
        limiter.acquire();
        limiter.acquire();
        now[0] += Duration.ofSeconds(5).toNanos();
        limiter.acquire();

        assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
    }
}
