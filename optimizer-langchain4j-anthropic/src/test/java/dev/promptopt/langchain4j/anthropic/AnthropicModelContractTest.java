package dev.promptopt.langchain4j.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.LanguageModel;
import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.RetryPolicy;
import dev.promptopt.langchain4j.ScriptedHttpServer;
import dev.promptopt.langchain4j.ScriptedHttpServer.Reply;
import dev.promptopt.langchain4j.ScriptedHttpServer.Request;
import dev.promptopt.testing.LanguageModelContract;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The LanguageModel contract for Anthropic models, over HTTP to a loopback server that speaks the Messages API:
 * it accepts only a well-formed {@code POST {base}/messages} (key, API version, model, max_tokens, the system text,
 * the user turn, not streamed) and answers with content blocks and usage, or with Anthropic's error bodies.
 */
class AnthropicModelContractTest extends LanguageModelContract {
    static final String SECRET = "sk-ant-contract-secret-4711";
    static final String MODEL = "claude-contract";
    static final String ANSWER = """
            {"id":"msg_01","type":"message","role":"assistant","model":"claude-contract",
             "content":[{"type":"text","text":"Yes"}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":19,"output_tokens":1}}""";
    private static final ObjectMapper JSON = new ObjectMapper();

    ScriptedHttpServer server;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedHttpServer().validating(AnthropicModelContractTest::messagesApiProblem);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** What Anthropic's Messages API would reject in a request, or null when it is well-formed. */
    static String messagesApiProblem(Request r) {
        if (!r.method().equals("POST") || !r.path().equals("/v1/messages")) {
            return "expected POST /v1/messages, found " + r.method() + " " + r.path();
        }
        if (!SECRET.equals(r.header("x-api-key"))) {
            return "the x-api-key header is missing or wrong";
        }
        if (r.header("anthropic-version") == null) {
            return "the anthropic-version header is missing";
        }
        if (r.header("content-type") == null || !r.header("content-type").startsWith("application/json")) {
            return "content-type: expected application/json, found " + r.header("content-type");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            return "the body is not JSON";
        }
        if (!MODEL.equals(body.path("model").asText())) {
            return "model: expected " + MODEL + ", found " + body.path("model");
        }
        if (body.path("max_tokens").asInt() <= 0) {
            return "max_tokens: expected a positive number, found " + body.path("max_tokens");
        }
        if (body.path("stream").asBoolean(false)) {
            return "stream: expected a single JSON answer, found stream=true";
        }
        // The system prompt is a top-level field (a string or text blocks), never a message.
        if (!body.path("system").toString().contains("Answer with one word.")) {
            return "system: expected the system text, found " + body.path("system");
        }
        JsonNode messages = body.path("messages");
        if (messages.size() != 1 || !messages.get(0).path("role").asText().equals("user")
                || !messages.get(0).path("content").toString().contains("Is the sky blue")) {
            return "messages: expected one user turn with the question, found " + messages;
        }
        return null;
    }

    private HostedModelBuilder anthropic() {
        return AnthropicModels.anthropic(MODEL).baseUrl(server.baseUrl("/v1/")).apiKey(SECRET).sleeper(sleeps::add)
                .env(k -> null);
    }

    @Override
    protected LanguageModel answering(int calls) {
        for (int i = 0; i < calls; i++) {
            server.reply(Reply.json(200, ANSWER));
        }
        return anthropic().build();
    }

    @Override
    protected LanguageModel failing(Failure failure) {
        // An error body may echo the rejected key; it must not come back in the exception.
        int attempts = 2;
        for (int i = 0; i < attempts; i++) {
            server.reply(failure == Failure.RETRIABLE
                    ? error(429, "rate_limit_error", "key " + SECRET + " exceeded its rate limit")
                    : error(401, "authentication_error", "invalid x-api-key " + SECRET));
        }
        return anthropic().retryPolicy(RetryPolicy.custom().maxAttempts(attempts).build()).build();
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(SECRET);
    }

    static Reply error(int status, String type, String message) {
        return Reply.json(status, "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message
                + "\"}}");
    }

    @Test
    void anOverloadedAnswerIsRetriedAndTheNextAttemptAnswers() {
        server.reply(error(529, "overloaded_error", "Overloaded")).reply(Reply.json(200, ANSWER));

        assertThat(anthropic().build().chat(CONVERSATION).text()).isEqualTo("Yes");
        assertThat(server.requests).hasSize(2);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void aBadRequestIsNotRetried() {
        server.reply(error(400, "invalid_request_error", "max_tokens: too large")).reply(Reply.json(200, ANSWER));
        LanguageModel model = anthropic().build();

        assertThatThrownBy(() -> model.chat(CONVERSATION))
                .hasMessageContaining("HTTP 400").hasMessageContaining("max_tokens: too large");
        assertThat(server.requests).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aRateLimitWaitsAsLongAsRetryAfterAsks() {
        server.reply(new Reply(429, Map.of("Content-Type", "application/json", "retry-after", "7"),
                error(429, "rate_limit_error", "Number of requests has exceeded your rate limit").body(), 0))
                .reply(Reply.json(200, ANSWER));

        assertThat(anthropic().build().chat(CONVERSATION).text()).isEqualTo("Yes");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aRejectedKeySaysWhichVariableToCheckAndKeepsTheProvidersReason() {
        server.reply(error(401, "authentication_error", "invalid x-api-key"));
        LanguageModel model = anthropic().retryPolicy(RetryPolicy.noRetries()).build();

        assertThatThrownBy(() -> model.chat(CONVERSATION))
                .hasMessageContaining("anthropic:/" + MODEL).hasMessageContaining("HTTP 401")
                .hasMessageContaining("ANTHROPIC_API_KEY").hasMessageContaining("authentication_error");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // only if the timeout were lost
    void aSlowAnswerTimesOutAndTheRetryAnswers() {
        // A first call loads the client's classes, so the retry below answers well within the timeout on a busy
        // machine. The second answer is held until the server closes: only the client's timeout ends that attempt.
        server.reply(Reply.json(200, ANSWER))
                .reply(new Reply(200, Map.of("Content-Type", "application/json"), ANSWER, 60_000))
                .reply(Reply.json(200, ANSWER));
        LanguageModel model = anthropic().timeout(Duration.ofSeconds(1)).build();
        model.chat(CONVERSATION);

        assertThat(model.chat(CONVERSATION).text()).isEqualTo("Yes");
        assertThat(server.requests).hasSize(3);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void theServerRejectsARequestWithoutTheKey() {
        // The wire check itself can fail: a request it does not accept never gets a scripted answer.
        assertThat(messagesApiProblem(new Request("POST", "/v1/messages", Map.of(), "{}")))
                .contains("x-api-key");
    }
}
