package dev.promptopt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void credentialOptionsInModelUrisAreMasked() {
        assertThat(Secrets.redact("openai:/gpt-4o?apiKey=sk-abc123&temperature=0&maxTokens=64"))
                .isEqualTo("openai:/gpt-4o?apiKey=***&temperature=0&maxTokens=64");
        assertThat(Secrets.redact("x:/m?api_key=a1b2&token=t0k3n&password=p4ss"))
                .isEqualTo("x:/m?api_key=***&token=***&password=***");
    }

    @Test
    void userInfoBearerAndHeadersAreMasked() {
        assertThat(Secrets.redact("openai-compatible:/m?baseUrl=http://svc:hunter2@127.0.0.1:8000/v1"))
                .isEqualTo("openai-compatible:/m?baseUrl=http://***@127.0.0.1:8000/v1");
        assertThat(Secrets.redact("Authorization: Bearer abc.def-ghi9")).isEqualTo("Authorization: Bearer ***");
        assertThat(Secrets.redact("x-api-key: zyx98765")).isEqualTo("x-api-key: ***");
        assertThat(Secrets.redact("Authorization: Basic dXNlcjpwYXNz")).isEqualTo("Authorization: Basic ***");
        assertThat(Secrets.redact("{\"api_key\": \"zz-top-secret\", \"model\": \"m\"}"))
                .isEqualTo("{\"api_key\": \"***\", \"model\": \"m\"}");
    }

    @Test
    void proseIsLeftAlone() {
        String prompt = "Use basic English. The bearer of the ticket may enter. Answer with key=value pairs.";
        assertThat(Secrets.redact(prompt)).isEqualTo(prompt);
    }

    @Test
    void registeredValuesAreScrubbedWhereverTheyAppear() {
        String key = "sk-registered-" + System.nanoTime();
        Secrets.registerFrom("openai:/gpt-4o?apiKey=" + key, Map.of());
        assertThat(Secrets.redact("Incorrect API key provided: " + key + ". Try again"))
                .isEqualTo("Incorrect API key provided: ***. Try again");
        assertThat(Secrets.containsSecret("nothing here")).isFalse();
    }

    @Test
    void namesComeFromTheModelNameOnly() {
        assertThat(Secrets.modelName("openai:/gpt-4o?apiKey=sk-abc123")).isEqualTo("openai:/gpt-4o");
        assertThat(Secrets.modelName("local:/smollm2-135m")).isEqualTo("local:/smollm2-135m");
    }

    @Test
    void redactedThrowablesKeepClassStackAndCause() {
        String key = "sk-in-a-cause-" + System.nanoTime();
        Secrets.register(key);
        RuntimeException e = new IllegalStateException("outer", new RuntimeException("body echoes " + key));
        Throwable r = Secrets.redacted(e);
        assertThat(r.getMessage()).isEqualTo("java.lang.IllegalStateException: outer");
        assertThat(r.getCause().getMessage()).isEqualTo("java.lang.RuntimeException: body echoes ***");
        assertThat(r.getStackTrace()).isEqualTo(e.getStackTrace());
        RuntimeException clean = new RuntimeException("fine");
        assertThat(Secrets.redacted(clean)).isSameAs(clean);
    }
}
