package dev.promptopt.langchain4j.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.InvalidInputException;
import dev.promptopt.ModelException;
import dev.promptopt.langchain4j.RetryPolicy;
import dev.promptopt.langchain4j.ScriptedHttpServer.Reply;
import dev.promptopt.langchain4j.ScriptedHttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Providers refuse a baseUrl that is not a URL, and never carry a key a server echoes into a message or a cause. */
class ProviderSecretsTest {
    private static final String KEY = "sk-echoed-by-a-proxy-0123456789";
    private ScriptedHttpServer server;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedHttpServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aBaseUrlThatIsNotAUrlIsRefused() {
        assertThatThrownBy(() -> OpenAiModels.openAiCompatible("m").baseUrl("localhost:8000").env(k -> null).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("openai-compatible:/m: baseUrl 'localhost:8000' is not an http(s) URL with a host:"
                        + " expected e.g. http://localhost:8000/v1");
    }

    @Test
    void aBaseUrlWithUserInfoAndAnApiKeyIsRefusedOnTheFirstCallWithoutShowingThePassword() {
        server.reply(Reply.json(200, "{}"));
        String url = server.baseUrl("/v1").replace("http://", "http://user:hunter2-pw@");
        var model = OpenAiModels.openAiCompatible("m").baseUrl(url).apiKey(KEY).env(k -> null)
                .sleeper(sleeps::add).build();

        assertThatThrownBy(() -> model.chat("hi")).isInstanceOf(ModelException.class)
                .satisfies(e -> {
                    assertThat(((ModelException) e).retriable()).isFalse();
                    assertThat(e.getMessage()).contains("was given with user info")
                            .contains("drop the user info or the API key").doesNotContain("hunter2-pw")
                            .doesNotContain(KEY);
                });
        assertThat(server.requests).as("nothing was sent").isEmpty();
        assertThat(sleeps).as("not retried").isEmpty();
    }

    @Test
    void aBaseUrlWithUserInfoAndNoKeyIsSentAsBasicAuthorization() {
        server.reply(Reply.json(200, """
                {"id":"c1","object":"chat.completion","created":1,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"""));
        String url = server.baseUrl("/v1").replace("http://", "http://user:hunter2-pw@");
        var model = OpenAiModels.openAiCompatible("m").baseUrl(url).env(k -> null).build();

        assertThat(model.chat("hi").text()).isEqualTo("ok");
        assertThat(server.requests.get(0).header("Authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("user:hunter2-pw".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(server.requests.get(0).path()).isEqualTo("/v1/chat/completions");
    }

    @Test
    void aKeyEchoedInA401BodyIsRedactedInTheMessageAndTheCauseChain() {
        server.reply(Reply.json(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}"));
        var model = OpenAiModels.openAiCompatible("m").baseUrl(server.baseUrl("/v1")).apiKey(KEY).env(k -> null)
                .sleeper(sleeps::add).build();

        assertThatThrownBy(() -> model.chat("hi")).isInstanceOf(ModelException.class)
                .satisfies(e -> {
                    assertThat(((ModelException) e).retriable()).isFalse();
                    assertThat(e.getMessage()).contains("HTTP 401 Unauthorized").contains("Incorrect API key provided: ***")
                            .doesNotContain(KEY);
                    StringWriter trace = new StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    assertThat(trace.toString()).as("the whole stack trace, causes included").doesNotContain(KEY);
                });
    }

    @Test
    void aKeyEchoedInA500BodyIsRedactedAndTheRetryAfterHintSurvives() {
        server.reply(new Reply(503, Map.of("Retry-After", "3", "Content-Type", "application/json"),
                "{\"error\":\"overloaded for key " + KEY + "\"}", 0));
        server.reply(Reply.json(500, "{\"error\":\"still failing for " + KEY + "\"}"));
        var model = OpenAiModels.openAiCompatible("m").baseUrl(server.baseUrl("/v1")).apiKey(KEY).env(k -> null)
                .retryPolicy(RetryPolicy.ofDefaults().maxAttempts(2)).sleeper(sleeps::add).build();

        assertThatThrownBy(() -> model.chat("hi")).isInstanceOf(ModelException.class)
                .satisfies(e -> {
                    assertThat(((ModelException) e).retriable()).isTrue();
                    assertThat(e.getMessage()).contains("gave up after 2 attempts").contains("still failing for ***")
                            .doesNotContain(KEY);
                    StringWriter trace = new StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    assertThat(trace.toString()).doesNotContain(KEY);
                });
        assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    }
}
