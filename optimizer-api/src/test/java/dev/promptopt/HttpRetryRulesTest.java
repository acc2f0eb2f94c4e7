package dev.promptopt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HttpRetryRulesTest {

    @Test
    void timeoutsTooEarlyRateLimitsAndServerErrorsAreRetriable() {
        assertThat(IntStream.of(408, 425, 429, 500, 502, 503, 504, 529, 599)).allMatch(HttpRetryRules::retriable);
    }

    @Test
    void otherClientErrorsAndServerErrorsThatRepeatIdenticallyAreNot() {
        assertThat(IntStream.of(400, 401, 403, 404, 405, 409, 410, 413, 422, 501, 505, 511))
                .noneMatch(HttpRetryRules::retriable);
        assertThat(IntStream.of(100, 200, 204, 301, 304, 600)).noneMatch(HttpRetryRules::retriable);
    }

    @Test
    void aRequestThatIsNotIdempotentIsRetriedOnlyOnARateLimit() {
        assertThat(HttpRetryRules.retriable(503, true)).isTrue();
        assertThat(HttpRetryRules.retriable(503, false)).isFalse();
        assertThat(HttpRetryRules.retriable(500, false)).isFalse();
        assertThat(HttpRetryRules.retriable(408, false)).isFalse();
        assertThat(HttpRetryRules.retriable(429, false)).isTrue();
        assertThat(HttpRetryRules.retriable(400, true)).isFalse();
    }

    @Test
    void idempotentMethodsFollowTheHttpDefinition() {
        assertThat(HttpRetryRules.idempotentMethod("GET")).isTrue();
        assertThat(HttpRetryRules.idempotentMethod("put")).isTrue();
        assertThat(HttpRetryRules.idempotentMethod("DELETE")).isTrue();
        assertThat(HttpRetryRules.idempotentMethod("HEAD")).isTrue();
        assertThat(HttpRetryRules.idempotentMethod("POST")).isFalse();
        assertThat(HttpRetryRules.idempotentMethod("PATCH")).isFalse();
        assertThatThrownBy(() -> HttpRetryRules.idempotentMethod(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HTTP method");
    }

    @Test
    void retryAfterReadsSecondsAndHttpDatesAgainstTheGivenClock() {
        Clock clock = Clock.fixed(Instant.parse("2026-10-21T07:27:30Z"), ZoneOffset.UTC);

        assertThat(HttpRetryRules.retryAfter("7", clock)).contains(Duration.ofSeconds(7));
        assertThat(HttpRetryRules.retryAfter(" 1.5 ", clock)).contains(Duration.ofMillis(1500));
        assertThat(HttpRetryRules.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT", clock)).contains(Duration.ofSeconds(30));
        assertThat(HttpRetryRules.retryAfter("Wed, 21 Oct 2026 07:00:00 GMT", clock)).contains(Duration.ZERO);
    }

    @Test
    void anAbsentNegativeOrUnreadableRetryAfterIsEmpty() {
        Clock clock = Clock.systemUTC();
        assertThat(HttpRetryRules.retryAfter(null, clock)).isEmpty();
        assertThat(HttpRetryRules.retryAfter("", clock)).isEmpty();
        assertThat(HttpRetryRules.retryAfter("-3", clock)).isEmpty();
        assertThat(HttpRetryRules.retryAfter("soon", clock)).isEmpty();
        assertThat(HttpRetryRules.retryAfter("NaN", clock)).isEmpty();
    }

    @Test
    void modelExceptionsAreRetriableOrNotByTypeAndFromTheSameStatusRule() {
        ModelException busy = ModelException.ofStatus(503, "m: HTTP 503", null);
        ModelException bad = ModelException.ofStatus(400, "m: HTTP 400", null);
        ModelException conflict = ModelException.ofStatus(409, "m: HTTP 409", null);

        assertThat(busy).isInstanceOf(RetriableModelException.class).isInstanceOf(PromptOptimizerException.class);
        assertThat(busy.retriable()).isTrue();
        assertThat(bad).isInstanceOf(NonRetriableModelException.class);
        assertThat(bad.retriable()).isFalse();
        assertThat(conflict.retriable()).isFalse();
        assertThat(ModelException.retriable("x").retriable()).isTrue();
        assertThat(ModelException.permanent("x", new IllegalStateException("why")))
                .isInstanceOf(NonRetriableModelException.class).hasMessage("x").hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyLibraryExceptionIsAPromptOptimizerException() {
        assertThat(new InvalidInputException("bad")).isInstanceOf(PromptOptimizerException.class);
        assertThat(new TemplateException("bad")).isInstanceOf(InvalidInputException.class);
        assertThat(new PromptNotFoundException("missing")).isInstanceOf(InvalidInputException.class);
        assertThat(new ObjectStoreException("gone")).isInstanceOf(PromptOptimizerException.class);
        assertThat(new ObjectStoreException("gone").retriable()).isFalse();
        assertThat(new ObjectStoreException("busy", true, null).retriable()).isTrue();
        assertThat(new RunInUseException("held")).isInstanceOf(PromptOptimizerException.class);
        assertThat(new SystemicFailureException("down", null)).isInstanceOf(PromptOptimizerException.class);
    }
}
