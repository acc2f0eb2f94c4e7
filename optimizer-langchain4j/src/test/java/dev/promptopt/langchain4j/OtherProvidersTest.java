package dev.promptopt.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.langchain4j.ScriptedHttpServer.Reply;
import dev.promptopt.langchain4j.internal.HostedModelProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Anthropic and Ollama through their langchain4j modules against a scripted local server. */
class OtherProvidersTest {
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
    void anthropicAnswersWithTokenUsage() {
        server.reply(Reply.json(200, """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-test",
                 "content":[{"type":"text","text":"negative"}],"stop_reason":"end_turn",
                 "usage":{"input_tokens":21,"output_tokens":2}}"""));
        Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "ak-secret", "ANTHROPIC_BASE_URL", server.baseUrl("/v1/"));

        LanguageModel model = new HostedModelProvider.Anthropic(env::get).create("claude-test", Map.of("maxTokens", "64"));
        ModelResponse r = model.chat(List.of(ChatMessage.system("Be terse."), ChatMessage.user("I hate it")));

        assertThat(r.text()).isEqualTo("negative");
        assertThat(r.usage().inputTokens()).isEqualTo(21);
        assertThat(r.usage().outputTokens()).isEqualTo(2);
        assertThat(server.requests.get(0).path()).isEqualTo("/v1/messages");
        assertThat(server.requests.get(0).headers().get("X-api-key")).containsExactly("ak-secret");
    }

    @Test
    void ollamaAnswersWithTokenUsage() {
        server.reply(Reply.json(200, """
                {"model":"llama3.2","created_at":"2024-01-01T00:00:00Z",
                 "message":{"role":"assistant","content":"neutral"},"done":true,
                 "prompt_eval_count":17,"eval_count":4}"""));
        Map<String, String> env = Map.of("OLLAMA_BASE_URL", server.baseUrl(""));

        LanguageModel model = new HostedModelProvider.Ollama(env::get).create("llama3.2", Map.of());
        ModelResponse r = model.chat("It is fine");

        assertThat(model.name()).isEqualTo("ollama:/llama3.2");
        assertThat(r.text()).isEqualTo("neutral");
        assertThat(r.usage().inputTokens()).isEqualTo(17);
        assertThat(r.usage().outputTokens()).isEqualTo(4);
        assertThat(server.requests.get(0).path()).isEqualTo("/api/chat");
    }
}
