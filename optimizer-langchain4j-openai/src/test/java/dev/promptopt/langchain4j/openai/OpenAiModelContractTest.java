package dev.promptopt.langchain4j.openai;

import dev.promptopt.LanguageModel;
import dev.promptopt.langchain4j.HostedModelBuilder;
import dev.promptopt.langchain4j.RetryPolicy;
import dev.promptopt.langchain4j.ScriptedHttpServer;
import dev.promptopt.langchain4j.ScriptedHttpServer.Reply;
import dev.promptopt.testing.LanguageModelContract;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The LanguageModel contract for the OpenAI-style provider, over HTTP to a scripted loopback server. */
class OpenAiModelContractTest extends LanguageModelContract {
    static final String SECRET = "sk-contract-secret-4711";

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

    private HostedModelBuilder openAi() {
        return OpenAiModels.openAi("gpt-test").baseUrl(server.baseUrl("/v1")).apiKey(SECRET).sleeper(sleeps::add)
                .env(k -> null);
    }

    @Override
    protected LanguageModel answering(int calls) {
        for (int i = 0; i < calls; i++) {
            server.reply(Reply.json(200, OpenAiProviderTest.OK));
        }
        return openAi().build();
    }

    @Override
    protected LanguageModel failing(Failure failure) {
        // Providers echo part of a rejected key in their error body; it must not come back in the exception.
        String echo = "{\"error\":{\"message\":\"request with key " + SECRET + " failed\"}}";
        int attempts = 2;
        for (int i = 0; i < attempts; i++) {
            server.reply(Reply.json(failure == Failure.RETRIABLE ? 503 : 401, echo));
        }
        return openAi().retryPolicy(RetryPolicy.ofDefaults().maxAttempts(attempts)).build();
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(SECRET);
    }
}
