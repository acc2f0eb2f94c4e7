package dev.promptopt.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.ChatMessage;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Prompts written by one client (this library or MLflow's Python client) are read by the other. */
@ExtendWith(MlflowServerExtension.class)
class PythonPromptInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static MlflowServer server;
    private static MlflowPromptRegistry registry;

    @BeforeAll
    static void server(MlflowServer s) {
        server = s;
        registry = new MlflowPromptRegistry(s.connection());
    }

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void promptsRegisteredFromJavaLoadInPythonAndFormatToTheSameText() throws Exception {
        String text = unique("java-text");
        String chat = unique("java-chat");
        PromptVersion t = registry.register(text, PromptTemplate.text("Classify the sentiment of \"{{text}}\" — in {{ lang }}.\nAnswer:"),
                "first cut", Map.of("author", "java"));
        PromptVersion c = registry.register(chat, PromptTemplate.chat(List.of(
                ChatMessage.system("You classify sentiment in {{lang}}."), ChatMessage.user("Text: {{text}}"))));
        registry.setAlias(text, "production", 1);
        Map<String, Object> inputs = Map.of("text", "I love it", "lang", "English");

        JsonNode py = JSON.readTree(server.python("""
                import json, mlflow
                t = mlflow.genai.load_prompt("%s")
                a = mlflow.genai.load_prompt("prompts:/%s@production")
                c = mlflow.genai.load_prompt("%s")
                print(json.dumps({"text": t.format(text="I love it", lang="English"), "commit": t.commit_message,
                    "tags": t.tags, "variables": sorted(t.variables), "alias_version": a.version,
                    "chat": c.format(text="I love it", lang="English"), "chat_is_text": c.is_text_prompt}))
                """.formatted(t.uri(), text, c.uri())).lines().reduce((a, b) -> b).orElseThrow());

        assertThat(py.path("text").asText()).isEqualTo(t.template().format(inputs));
        assertThat(py.path("commit").asText()).isEqualTo("first cut");
        assertThat(py.path("tags").path("author").asText()).isEqualTo("java");
        assertThat(py.path("variables").toString()).isEqualTo("[\"lang\",\"text\"]");
        assertThat(py.path("alias_version").asInt()).isEqualTo(1);
        assertThat(py.path("chat_is_text").asBoolean()).isFalse();
        List<ChatMessage> javaMessages = c.template().formatMessages(inputs);
        assertThat(py.path("chat")).hasSize(2);
        for (int i = 0; i < javaMessages.size(); i++) {
            assertThat(py.path("chat").get(i).path("role").asText()).isEqualTo(javaMessages.get(i).role());
            assertThat(py.path("chat").get(i).path("content").asText()).isEqualTo(javaMessages.get(i).content());
        }
    }

    @Test
    void promptsRegisteredInPythonLoadInJavaAndAliasesAreSharedBothWays() throws Exception {
        String text = unique("py-text");
        String chat = unique("py-chat");
        server.python("""
                import mlflow
                mlflow.genai.register_prompt(name="%1$s", template="Summarize {{ doc }} in {{n}} words.",
                    commit_message="from python", tags={"team": "nlp"})
                mlflow.genai.register_prompt(name="%1$s", template="Summarize {{doc}} briefly ({{n}} words).")
                mlflow.genai.register_prompt(name="%2$s", template=[
                    {"role": "system", "content": "You are terse."},
                    {"role": "user", "content": "Summarize {{doc}}"}])
                mlflow.genai.set_prompt_alias("%1$s", alias="champion", version=1)
                """.formatted(text, chat));

        PromptVersion v1 = registry.load("prompts:/" + text + "/1");
        assertThat(v1.template().text()).isEqualTo("Summarize {{ doc }} in {{n}} words.");
        assertThat(v1.template().format(Map.of("doc", "the report", "n", 10))).isEqualTo("Summarize the report in 10 words.");
        assertThat(v1.commitMessage()).isEqualTo("from python");
        assertThat(v1.tags()).containsEntry("team", "nlp").doesNotContainKeys("mlflow.prompt.text", "mlflow.prompt.is_prompt");
        assertThat(registry.load("prompts:/" + text).version()).isEqualTo(2);
        assertThat(registry.load("prompts:/" + text + "@champion").version()).isEqualTo(1);
        assertThat(registry.load("prompts:/" + text + "@champion").aliases()).containsExactly("champion");

        PromptVersion c = registry.load("prompts:/" + chat + "/1");
        assertThat(c.template().isChat()).isTrue();
        assertThat(c.template().messages()).containsExactly(ChatMessage.system("You are terse."), ChatMessage.user("Summarize {{doc}}"));
        assertThat(registry.search(text)).containsExactly(text);

        registry.setAlias(text, "champion", 2);
        registry.setAlias(text, "staging", 1);
        String seen = server.python("""
                import mlflow
                print(mlflow.genai.load_prompt("prompts:/%1$s@champion").version, mlflow.genai.load_prompt("prompts:/%1$s@staging").version)
                """.formatted(text)).strip();
        assertThat(seen).endsWith("2 1");
    }
}
