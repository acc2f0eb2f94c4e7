package dev.promptopt.langchain4j.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ChatMessage;
import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.langchain4j.ScriptedHttpServer.Reply;
import dev.promptopt.langchain4j.ScriptedHttpServer;
import dev.promptopt.langchain4j.anthropic.internal.AnthropicProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Anthropic provider against a scripted local server. */
class AnthropicProviderTest {
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

        LanguageModel model = new AnthropicProvider(env::get).create("claude-test", Map.of("maxTokens", "64"));
        ModelResponse r = model.chat(List.of(ChatMessage.system("Be terse."), ChatMessage.user("I hate it")));

        assertThat(r.text()).isEqualTo("negative");
        assertThat(r.usage().inputTokens()).isEqualTo(21);
        assertThat(r.usage().outputTokens()).isEqualTo(2);
        assertThat(server.requests.get(0).path()).isEqualTo("/v1/messages");
        assertThat(server.requests.get(0).headers().get("X-api-key")).containsExactly("ak-secret");
    }

    @Test
    void aMissingKeyNamesTheEnvironmentVariable() {
        assertThatThrownBy(() -> AnthropicModels.anthropic("claude-3-5-haiku-latest").env(k -> null).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("ANTHROPIC_API_KEY");
    }
}
