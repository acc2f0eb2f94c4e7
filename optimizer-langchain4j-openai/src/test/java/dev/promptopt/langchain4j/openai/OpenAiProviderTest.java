package dev.promptopt.langchain4j.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.HttpRetryRules;
import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.NonRetriableModelException;
import dev.promptopt.core.Models;
import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.RateLimiter;
import dev.promptopt.langchain4j.RetryPolicy;
import dev.promptopt.langchain4j.ScriptedHttpServer.Reply;
import dev.promptopt.langchain4j.ScriptedHttpServer;
import dev.promptopt.langchain4j.openai.internal.OpenAiProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP path of the OpenAI-style providers against a scripted local server. */
class OpenAiProviderTest {
    static final String SECRET = "sk-test-very-secret-123";
    static final String OK = """
            {"id":"c1","object":"chat.completion","created":1,"model":"gpt-test-0001",
             "choices":[{"index":0,"message":{"role":"assistant","content":"positive"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}""";

    ScriptedHttpServer server;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedHttpServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HostedModelBuilder openAi() {
        return OpenAiModels.openAi("gpt-test").baseUrl(server.baseUrl("/v1")).apiKey(SECRET).sleeper(sleeps::add)
                .env(k -> null);
    }

    @Test
    void successReturnsTextTokenUsageAndModelName() {
        server.reply(Reply.json(200, OK));

        ModelResponse r = openAi().build().chat("Classify: I love it");

        assertThat(r.text()).isEqualTo("positive");
        assertThat(r.usage().inputTokens()).isEqualTo(12);
        assertThat(r.usage().outputTokens()).isEqualTo(3);
        assertThat(r.model()).isEqualTo("gpt-test-0001");
        assertThat(server.requests).hasSize(1);
        assertThat(server.requests.get(0).path()).isEqualTo("/v1/chat/completions");
        assertThat(server.requests.get(0).headers().get("Authorization")).containsExactly("Bearer " + SECRET);
        assertThat(server.requests.get(0).body()).containsPattern("\"model\"\\s*:\\s*\"gpt-test\"").contains("I love it");
    }

    @Test
    void rateLimitedCallHonoursRetryAfterThenSucceeds() {
        server.reply(new Reply(429, Map.of("Retry-After", "7", "Content-Type", "application/json"),
                "{\"error\":{\"message\":\"Rate limit reached\"}}", 0));
        server.reply(Reply.json(200, OK));

        ModelResponse r = openAi().build().chat("hi");

        assertThat(r.text()).isEqualTo("positive");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
        assertThat(server.requests).hasSize(2);
    }

    @Test
    void serverErrorsAreRetriedWithExponentialBackoff() {
        server.reply(Reply.json(500, "{\"error\":\"boom\"}"));
        server.reply(Reply.json(503, "{\"error\":\"busy\"}"));
        server.reply(Reply.json(200, OK));

        ModelResponse r = openAi().build().chat("hi");

        assertThat(r.text()).isEqualTo("positive");
        assertThat(server.requests).hasSize(3);
        assertThat(sleeps).hasSize(2);
        // defaults: 1 s then 2 s, each with 20% jitter
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
    }

    @Test
    void persistentServerErrorsGiveUpAfterMaxAttemptsAsRetriable() {
        for (int i = 0; i < 3; i++) {
            server.reply(Reply.json(502, "bad gateway"));
        }
        LanguageModel model = openAi().retryPolicy(RetryPolicy.ofDefaults().maxAttempts(3)).build();

        assertThatThrownBy(() -> model.chat("hi"))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retriable()).isTrue())
                .hasMessageContaining("gave up after 3 attempts")
                .hasMessageContaining("HTTP 502");
        assertThat(server.requests).hasSize(3);
    }

    @Test
    void everyStatusIsRetriedOrNotAsTheSharedRuleSays() {
        LanguageModel model = openAi().build();
        for (int status : new int[] {408, 425, 429, 500, 504, 400, 404, 409, 422, 501}) {
            int before = server.requests.size();
            server.reply(Reply.json(status, "{\"error\":{\"message\":\"status " + status + "\"}}"));
            server.reply(Reply.json(200, OK));

            if (HttpRetryRules.retriable(status)) {
                assertThat(model.chat("hi").text()).as("HTTP %d", status).isEqualTo("positive");
                assertThat(server.requests).as("HTTP %d", status).hasSize(before + 2);
            } else {
                assertThatThrownBy(() -> model.chat("hi")).as("HTTP %d", status)
                        .isInstanceOf(NonRetriableModelException.class).hasMessageContaining("HTTP " + status);
                assertThat(server.requests).as("HTTP %d", status).hasSize(before + 1);
                assertThat(model.chat("hi").text()).isEqualTo("positive"); // takes the unused 200
            }
        }
        assertThat(sleeps).hasSize(5);
    }

    @Test
    void aRetryAfterDateIsHonoured() {
        String inTwoMinutes = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(2));
        server.reply(new Reply(503, Map.of("Retry-After", inTwoMinutes, "Content-Type", "application/json"), "{}", 0));
        server.reply(Reply.json(200, OK));

        assertThat(openAi().retryPolicy(RetryPolicy.ofDefaults().maxRetryAfter(Duration.ofMinutes(5))).build()
                .chat("hi").text()).isEqualTo("positive");
        assertThat(sleeps).singleElement()
                .satisfies(d -> assertThat(d).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120)));
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() {
        server.reply(new Reply(200, Map.of("Content-Type", "application/json"), OK, 2_000));
        server.reply(Reply.json(200, OK));

        ModelResponse r = openAi().timeout(Duration.ofMillis(300)).build().chat("hi");

        assertThat(r.text()).isEqualTo("positive");
        assertThat(server.requests).hasSize(2);
        assertThat(sleeps).hasSize(1);
    }

    /**
     * What the slower request of a hedged call goes through once the other answered: interrupted while it waits
     * for the server, it ends at once, with no backoff and no retry, with or without a per-call timeout.
     */
    @Test
    void anInterruptedCallEndsAtOnceWithoutARetry() throws Exception {
        for (Duration timeout : java.util.Arrays.asList(null, Duration.ofSeconds(60))) {
            int before = server.requests.size();
            server.reply(new Reply(200, Map.of("Content-Type", "application/json"), OK, 60_000));
            HostedModelBuilder builder = openAi();
            if (timeout != null) {
                builder.timeout(timeout);
            }
            LanguageModel model = builder.build();
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    model.chat("hi");
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            caller.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.requests.size() == before && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until the request reached the server, which holds its answer
            }
            assertThat(server.requests).hasSize(before + 1);

            caller.interrupt();
            caller.join(30_000);

            assertThat(caller.isAlive()).as("the call ended once interrupted (timeout " + timeout + ")").isFalse();
            assertThat(thrown.get()).isInstanceOf(ModelException.class);
            assertThat(thrown.get().getMessage().toLowerCase(java.util.Locale.ROOT)).contains("interrupted");
            assertThat(((ModelException) thrown.get()).retriable()).isFalse();
            assertThat(sleeps).as("no backoff").isEmpty();
            assertThat(server.requests).as("no retry").hasSize(before + 1);
        }
    }

    @Test
    void aTimeoutOnEveryAttemptFailsAsRetriableNamingTheTimeout() {
        server.reply(new Reply(200, Map.of(), OK, 2_000));
        server.reply(new Reply(200, Map.of(), OK, 2_000));
        LanguageModel model = openAi().timeout(Duration.ofMillis(200))
                .retryPolicy(RetryPolicy.ofDefaults().maxAttempts(2)).build();

        assertThatThrownBy(() -> model.chat("hi"))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retriable()).isTrue())
                .hasMessageContaining("timed out");
    }

    @Test
    void unauthorizedFailsFastNamingTheKeyVariableWithoutLeakingTheKey() {
        server.reply(Reply.json(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}"));

        assertThatThrownBy(() -> openAi().build().chat("hi"))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageContaining("401")
                .hasMessageContaining("OPENAI_API_KEY")
                .hasMessageNotContaining(SECRET);
        assertThat(server.requests).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void badRequestIsPermanent() {
        server.reply(Reply.json(400, "{\"error\":{\"message\":\"max_tokens is too large\"}}"));

        assertThatThrownBy(() -> openAi().build().chat("hi"))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageContaining("HTTP 400").hasMessageContaining("max_tokens is too large");
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void aMalformedBodyGivesAClearPermanentError() {
        server.reply(Reply.json(200, "<html>this is not json"));

        assertThatThrownBy(() -> openAi().build().chat("hi"))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageContaining("openai:/gpt-test")
                .hasMessageContaining("malformed response body");
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void aMissingKeyNamesTheEnvironmentVariable() {
        assertThatThrownBy(() -> OpenAiModels.openAi("gpt-4o-mini").env(k -> null).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("OPENAI_API_KEY");
        assertThatThrownBy(() -> OpenAiModels.openAiCompatible("m").env(k -> null).build())
                .hasMessageContaining("PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL");
    }

    @Test
    void keysAndBaseUrlsComeFromTheEnvironment() {
        server.reply(Reply.json(200, OK));
        Map<String, String> env = Map.of("OPENAI_API_KEY", SECRET, "OPENAI_BASE_URL", server.baseUrl("/v1"));

        LanguageModel model = new OpenAiProvider(env::get)
                .create("gpt-test", Map.of());

        assertThat(model.name()).isEqualTo("openai:/gpt-test");
        assertThat(model.chat("hi").text()).isEqualTo("positive");
        assertThat(server.requests.get(0).headers().get("Authorization")).containsExactly("Bearer " + SECRET);
    }

    @Test
    void openAiCompatibleResolvesThroughModelsWithAnOptionsMap() {
        server.reply(Reply.json(200, OK));

        LanguageModel model = Models.resolve("openai-compatible:/llama-3.1-8b",
                Map.of("baseUrl", server.baseUrl("/v1"), "apiKey", "local", "maxAttempts", "1"));

        assertThat(model.name()).isEqualTo("openai-compatible:/llama-3.1-8b");
        assertThat(model.chat("hi").usage().totalTokens()).isEqualTo(15);
        assertThat(server.requests.get(0).body()).contains("llama-3.1-8b");
    }

    @Test
    void unknownOptionsAreRejectedNamingTheKnownOnes() {
        assertThatThrownBy(() -> Models.resolve("openai-compatible:/m", Map.of("baseUrl", "http://x", "tempreature", "0")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tempreature").hasMessageContaining("temperature");
    }

    @Test
    void aSharedRateLimiterSpacesCalls() {
        for (int i = 0; i < 3; i++) {
            server.reply(Reply.json(200, OK));
        }
        long[] now = {0};
        List<Duration> waits = new ArrayList<>();
        RateLimiter limiter = RateLimiter.perMinute(60, () -> now[0], d -> {
            waits.add(d);
            now[0] += d.toNanos();
        });
        LanguageModel model = openAi().rateLimiter(limiter).build();

        for (int i = 0; i < 3; i++) {
            model.chat("hi");
        }

        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void providersOfOtherModulesAreAbsentAndTheErrorNamesTheArtifactToAdd() {
        assertThatThrownBy(() -> Models.resolve("anthropic:/claude-3-5-haiku-latest"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'anthropic:/'")
                .hasMessageContaining("dev.promptopt:optimizer-langchain4j-anthropic")
                .hasMessageContaining("openai-compatible");
        assertThatThrownBy(() -> Models.resolve("ollama:/llama3.2"))
                .hasMessageContaining("dev.promptopt:optimizer-langchain4j-ollama");
        assertThatThrownBy(() -> Models.resolve("local:/smollm2-135m"))
                .hasMessageContaining("dev.promptopt:optimizer-llama");
    }
}
