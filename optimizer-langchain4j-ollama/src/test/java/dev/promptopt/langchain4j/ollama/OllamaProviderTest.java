package dev.promptopt.langchain4j.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.core.Models;
import dev.promptopt.langchain4j.ScriptedHttpServer;
import dev.promptopt.langchain4j.ScriptedHttpServer.Reply;
import dev.promptopt.langchain4j.ollama.internal.OllamaProvider;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Ollama provider against a scripted local server. */
class OllamaProviderTest {
    static final String OK = """
            {"model":"llama3.2","created_at":"2024-01-01T00:00:00Z",
             "message":{"role":"assistant","content":"neutral"},"done":true,
             "prompt_eval_count":17,"eval_count":4}""";

    ScriptedHttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedHttpServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void ollamaAnswersWithTokenUsage() {
        server.reply(Reply.json(200, """
                {"model":"llama3.2","created_at":"2024-01-01T00:00:00Z",
                 "message":{"role":"assistant","content":"neutral"},"done":true,
                 "prompt_eval_count":17,"eval_count":4}"""));
        Map<String, String> env = Map.of("OLLAMA_BASE_URL", server.baseUrl(""));

        LanguageModel model = new OllamaProvider(env::get).create("llama3.2", Map.of());
        ModelResponse r = model.chat("It is fine");

        assertThat(model.name()).isEqualTo("ollama:/llama3.2");
        assertThat(r.text()).isEqualTo("neutral");
        assertThat(r.usage().inputTokens()).isEqualTo(17);
        assertThat(r.usage().outputTokens()).isEqualTo(4);
        assertThat(server.requests.get(0).path()).isEqualTo("/api/chat");
    }

    @Test
    void aCachedPromptWithoutAnInputCountIsUnreportedNotZeroTokens() {
        server.reply(Reply.json(200, """
                {"model":"llama3.2","created_at":"2024-01-01T00:00:00Z",
                 "message":{"role":"assistant","content":"neutral"},"done":true,"eval_count":4}"""));

        ModelResponse r = Models.resolve("ollama:/llama3.2", Map.of("baseUrl", server.baseUrl(""))).chat("It is fine");

        assertThat(r.usage()).isEqualTo(new dev.promptopt.TokenUsage(0, 4, 1));
        assertThat(r.usage().complete()).isFalse();
    }

    @Test
    void ollamaResolvesThroughModelsWithTheBaseUrlOption() {
        server.reply(Reply.json(200, OK));

        LanguageModel model = Models.resolve("ollama:/llama3.2", Map.of("baseUrl", server.baseUrl(""), "maxTokens", "16"));

        assertThat(model.chat("It is fine").text()).isEqualTo("neutral");
        assertThat(server.requests.get(0).body()).containsPattern("\"num_predict\"\\s*:\\s*16");
    }

    @Test
    void aBaseUrlWithUserInfoIsSentAsBasicAuthorizationAndNeverShown() {
        server.reply(Reply.json(200, OK));
        String url = server.baseUrl("").replace("http://", "http://proxy-user:p%40ss-w0rd@");

        LanguageModel model = Models.resolve("ollama:/llama3.2", Map.of("baseUrl", url));

        assertThat(model.chat("It is fine").text()).isEqualTo("neutral");
        String expected = "Basic " + java.util.Base64.getEncoder().encodeToString(
                "proxy-user:p@ss-w0rd".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(server.requests.get(0).header("Authorization")).isEqualTo(expected);
        assertThat(server.requests.get(0).path()).isEqualTo("/api/chat");
        assertThat(dev.promptopt.Secrets.redact("header " + expected.substring(6) + ", password p@ss-w0rd"))
                .as("the password and the header's value are redacted wherever they would be shown")
                .doesNotContain("p@ss-w0rd").doesNotContain(expected.substring(6));
    }
}
