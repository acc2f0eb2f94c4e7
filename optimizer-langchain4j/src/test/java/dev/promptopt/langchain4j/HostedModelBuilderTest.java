package dev.promptopt.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The provider-neutral half of a hosted model: settings, environment, options and wrapping. */
class HostedModelBuilderTest {
    static final String KEY = "sk-builder-secret-42";
    final List<HostedModelBuilder.Settings> seen = new CopyOnWriteArrayList<>();

    /** A provider whose chat model answers "ok" and records the settings it was built from. */
    final class RecordingProvider extends HostedModelProvider {
        RecordingProvider(boolean keyRequired, Function<String, String> env) {
            super("recording", "RECORDING_API_KEY", "RECORDING_BASE_URL", keyRequired, env);
        }

        @Override
        protected ChatModel chatModel(HostedModelBuilder.Settings settings) {
            seen.add(settings);
            return new ChatModel() {
                @Override
                public ChatResponse doChat(ChatRequest request) {
                    return ChatResponse.builder().aiMessage(AiMessage.from("ok")).build();
                }
            };
        }
    }

    @Test
    void keyAndBaseUrlComeFromTheProvidersEnvironmentWhenNotGiven() {
        Map<String, String> env = Map.of("RECORDING_API_KEY", KEY, "RECORDING_BASE_URL", "http://127.0.0.1:9/v1");

        LanguageModel model = new RecordingProvider(true, env::get).create("m1", Map.of("temperature", "0.5",
                "maxTokens", "7", "timeout", "PT3S"));

        assertThat(model.name()).isEqualTo("recording:/m1");
        assertThat(model.chat("hi").text()).isEqualTo("ok");
        HostedModelBuilder.Settings s = seen.get(0);
        assertThat(s.name()).isEqualTo("recording:/m1");
        assertThat(s.model()).isEqualTo("m1");
        assertThat(s.apiKey()).isEqualTo(KEY);
        assertThat(s.baseUrl()).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(s.temperature()).isEqualTo(0.5);
        assertThat(s.maxTokens()).isEqualTo(7);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.httpClientBuilder()).isNotNull();
        assertThat(s.toString()).doesNotContain(KEY);
    }

    @Test
    void builderValuesWinOverTheEnvironment() {
        Map<String, String> env = Map.of("RECORDING_API_KEY", "from-env", "RECORDING_BASE_URL", "http://127.0.0.1:9/env");

        new RecordingProvider(true, env::get).builder("m").apiKey("given").baseUrl("http://127.0.0.1:9/given")
                .buildChatModel();

        assertThat(seen.get(0).apiKey()).isEqualTo("given");
        assertThat(seen.get(0).baseUrl()).isEqualTo("http://127.0.0.1:9/given");
    }

    @Test
    void aMissingRequiredKeyNamesTheProvidersVariableBeforeBuildingAnything() {
        assertThatThrownBy(() -> new RecordingProvider(true, k -> null).builder("m").build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("recording:/m").hasMessageContaining("RECORDING_API_KEY");
        assertThat(seen).isEmpty();
    }

    @Test
    void anOptionalKeyMayBeAbsent() {
        new RecordingProvider(false, k -> null).builder("m").build();

        assertThat(seen.get(0).apiKey()).isNull();
        assertThat(seen.get(0).baseUrl()).isNull();
    }

    @Test
    void aBadBaseUrlAndUnknownOptionsAreRejectedNamingTheModel() {
        assertThatThrownBy(() -> new RecordingProvider(false, k -> null).builder("m").baseUrl("localhost:8000").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("recording:/m");
        assertThatThrownBy(() -> new RecordingProvider(false, k -> null).create("m", Map.of("tempreature", "0")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tempreature").hasMessageContaining("temperature");
        assertThatThrownBy(() -> new RecordingProvider(false, k -> null).builder(" "))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("recording:/ needs a model name");
    }

    @Test
    void retriesWrapTheModelUnlessTurnedOff() {
        RecordingProvider provider = new RecordingProvider(false, k -> null);

        assertThat(provider.builder("m").build()).isInstanceOf(ResilientModel.class);
        assertThat(provider.builder("m").retryPolicy(RetryPolicy.noRetries()).build())
                .isNotInstanceOf(ResilientModel.class);
    }
}
