package dev.promptopt.langchain4j.ollama;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The LanguageModel contract for Ollama models, over HTTP to a loopback server that speaks Ollama's chat API: it
 * accepts only a well-formed, non-streaming {@code POST {base}/api/chat} (model, the system and user messages in
 * order) and answers with {@code message.content}, {@code prompt_eval_count}, {@code eval_count} and
 * {@code done}, or with Ollama's {@code {"error": ...}} bodies. Ollama takes no key, so the contract's credential
 * checks have nothing to look for.
 */
class OllamaModelContractTest extends LanguageModelContract {
    static final String MODEL = "llama-contract";
    static final String ANSWER = """
            {"model":"llama-contract","created_at":"2026-01-01T00:00:00.000000Z",
             "message":{"role":"assistant","content":"Yes"},"done_reason":"stop","done":true,
             "total_duration":1200000,"load_duration":100000,"prompt_eval_count":23,"prompt_eval_duration":500000,
             "eval_count":2,"eval_duration":300000}""";
    private static final ObjectMapper JSON = new ObjectMapper();

    ScriptedHttpServer server;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedHttpServer().validating(OllamaModelContractTest::chatApiProblem);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** What Ollama's /api/chat would reject or misread in a request, or null when it is well-formed. */
    static String chatApiProblem(Request r) {
        if (!r.method().equals("POST") || !r.path().equals("/api/chat")) {
            return "expected POST /api/chat, found " + r.method() + " " + r.path();
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
        // Ollama streams unless told not to; the client reads one JSON answer.
        if (!body.path("stream").isBoolean() || body.path("stream").asBoolean()) {
            return "stream: expected false, found " + body.path("stream");
        }
        JsonNode messages = body.path("messages");
        if (messages.size() != 2
                || !messages.get(0).path("role").asText().equals("system")
                || !messages.get(0).path("content").asText().equals("Answer with one word.")
                || !messages.get(1).path("role").asText().equals("user")
                || !messages.get(1).path("content").asText().equals("Is the sky blue on a clear day?")) {
            return "messages: expected the system message then the user message, found " + messages;
        }
        return null;
    }

    private HostedModelBuilder ollama() {
        return OllamaModels.ollama(MODEL).baseUrl(server.baseUrl("")).sleeper(sleeps::add).env(k -> null);
    }

    @Override
    protected LanguageModel answering(int calls) {
        for (int i = 0; i < calls; i++) {
            server.reply(Reply.json(200, ANSWER));
        }
        return ollama().build();
    }

    @Override
    protected LanguageModel failing(Failure failure) {
        int attempts = 2;
        for (int i = 0; i < attempts; i++) {
            server.reply(failure == Failure.RETRIABLE
                    ? error(503, "server busy, please try again.  maximum pending requests exceeded")
                    : error(404, "model '" + MODEL + "' not found, try pulling it first"));
        }
        return ollama().retryPolicy(RetryPolicy.custom().maxAttempts(attempts).build()).build();
    }

    static Reply error(int status, String message) {
        return Reply.json(status, "{\"error\":\"" + message + "\"}");
    }

    @Test
    void aBusyServerIsRetriedAndTheNextAttemptAnswers() {
        server.reply(error(503, "server busy, please try again.")).reply(Reply.json(200, ANSWER));

        assertThat(ollama().build().chat(CONVERSATION).text()).isEqualTo("Yes");
        assertThat(server.requests).hasSize(2);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void aMissingModelIsNotRetriedAndTheErrorSaysWhichModel() {
        server.reply(error(404, "model '" + MODEL + "' not found, try pulling it first")).reply(Reply.json(200, ANSWER));
        LanguageModel model = ollama().build();

        assertThatThrownBy(() -> model.chat(CONVERSATION))
                .hasMessageContaining("ollama:/" + MODEL).hasMessageContaining("HTTP 404")
                .hasMessageContaining("try pulling it first");
        assertThat(server.requests).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // only if the timeout were lost
    void aSlowAnswerTimesOutAndTheRetryAnswers() {
        // A first call loads the client's classes, so the retry below answers well within the timeout on a busy
        // machine. The second answer is held until the server closes: only the client's timeout ends that attempt.
        server.reply(Reply.json(200, ANSWER))
                .reply(new Reply(200, Map.of("Content-Type", "application/json"), ANSWER, 60_000))
                .reply(Reply.json(200, ANSWER));
        LanguageModel model = ollama().timeout(Duration.ofSeconds(1)).build();
        model.chat(CONVERSATION);

        assertThat(model.chat(CONVERSATION).text()).isEqualTo("Yes");
        assertThat(server.requests).hasSize(3);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void theServerRejectsAStreamingRequest() {
        // The wire check itself can fail: a request it does not accept never gets a scripted answer.
        assertThat(chatApiProblem(new Request("POST", "/api/chat", Map.of(),
                "{\"model\":\"" + MODEL + "\",\"messages\":[],\"stream\":true}"))).startsWith("stream:");
    }
}
