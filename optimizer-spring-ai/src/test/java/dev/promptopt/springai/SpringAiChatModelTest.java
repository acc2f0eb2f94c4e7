package dev.promptopt.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ChatMessage;
import dev.promptopt.HttpRetryRules;
import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.NonRetriableModelException;
import dev.promptopt.RetriableModelException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;

/** The adapter's mapping of messages, options, usage and errors, on an in-process Spring AI ChatModel. */
class SpringAiChatModelTest {

    /** A Spring AI ChatModel whose answer a test scripts; it records every prompt it receives. */
    static final class RecordingChatModel implements ChatModel {
        final List<Prompt> prompts = new CopyOnWriteArrayList<>();
        final Function<Prompt, ChatResponse> answer;

        RecordingChatModel(Function<Prompt, ChatResponse> answer) {
            this.answer = answer;
        }

        @Override
        public ChatResponse call(Prompt prompt) {
            prompts.add(prompt);
            return answer.apply(prompt);
        }

        @Override
        public ChatOptions getDefaultOptions() {
            return ChatOptions.builder().model("default-model").build();
        }
    }

    static ChatResponse answer(String text, int in, int out, String model) {
        return new ChatResponse(List.of(new Generation(new AssistantMessage(text))),
                ChatResponseMetadata.builder().usage(new DefaultUsage(in, out)).model(model).build());
    }

    @Test
    void messagesKeepTheirRolesAndOrderAndTheAnswerCarriesTextUsageAndModel() {
        RecordingChatModel chat = new RecordingChatModel(p -> answer("positive", 21, 2, "served-model-7"));
        LanguageModel model = SpringAi.model(chat);

        ModelResponse r = model.chat(List.of(ChatMessage.system("Be brief."), ChatMessage.user("I love it"),
                ChatMessage.assistant("positive"), ChatMessage.user("And this?")));

        assertThat(r.text()).isEqualTo("positive");
        assertThat(r.usage().inputTokens()).isEqualTo(21);
        assertThat(r.usage().outputTokens()).isEqualTo(2);
        assertThat(r.model()).isEqualTo("served-model-7");
        List<Message> sent = chat.prompts.get(0).getInstructions();
        assertThat(sent).extracting(Message::getMessageType).containsExactly(MessageType.SYSTEM, MessageType.USER,
                MessageType.ASSISTANT, MessageType.USER);
        assertThat(sent).extracting(Message::getText).containsExactly("Be brief.", "I love it", "positive", "And this?");
    }

    @Test
    void anAnswerWithoutUsageIsUnreportedNotZeroTokens() {
        // Spring AI stands in an EmptyUsage (zeros) when a provider sent no usage.
        RecordingChatModel chat = new RecordingChatModel(p -> new ChatResponse(List.of(new Generation(
                new AssistantMessage("positive"))), ChatResponseMetadata.builder().model("m").build()));

        ModelResponse r = SpringAi.model(chat).chat("I love it");

        assertThat(r.usage()).isEqualTo(dev.promptopt.TokenUsage.UNREPORTED);
        assertThat(r.usage().complete()).isFalse();
    }

    @Test
    void optionsGivenToTheBuilderRideOnEveryCallAndNameTheModel() {
        RecordingChatModel chat = new RecordingChatModel(p -> answer("ok", 1, 1, null));
        LanguageModel model = SpringAi.model(chat, ChatOptions.builder().model("gpt-x").temperature(0.0).maxTokens(7).build());

        model.chat("one");
        model.chat("two");

        assertThat(model.name()).isEqualTo("spring-ai:/gpt-x");
        assertThat(chat.prompts).hasSize(2).allSatisfy(p -> {
            assertThat(p.getOptions().getModel()).isEqualTo("gpt-x");
            assertThat(p.getOptions().getTemperature()).isEqualTo(0.0);
            assertThat(p.getOptions().getMaxTokens()).isEqualTo(7);
        });
    }

    @Test
    void withoutOptionsTheModelKeepsItsDefaultsAndIsNamedAfterThem() {
        RecordingChatModel chat = new RecordingChatModel(p -> answer("ok", 0, 0, null));
        LanguageModel model = SpringAi.model(chat);

        ModelResponse r = model.chat("hi");

        assertThat(model.name()).isEqualTo("spring-ai:/default-model");
        assertThat(chat.prompts.get(0).getOptions()).isNull();
        assertThat(r.model()).isEqualTo("spring-ai:/default-model");
        assertThat(SpringAi.builder(chat).name("openai:/gpt-4o-mini").build().name()).isEqualTo("openai:/gpt-4o-mini");
    }

    @Test
    void transientFailuresAndRateLimitsAreRetriableOthersPermanentAndSecretsRedacted() {
        LanguageModel busy = SpringAi.model(new RecordingChatModel(p -> {
            throw new TransientAiException("503 - upstream busy");
        }));
        LanguageModel limited = SpringAi.model(new RecordingChatModel(p -> {
            throw new NonTransientAiException("429 - {\"error\":\"Rate limit reached\"}");
        }));
        LanguageModel unauthorized = SpringAi.model(new RecordingChatModel(p -> {
            throw new NonTransientAiException("401 - Incorrect API key provided: sk-abcdefghijklmnop1234");
        }));

        assertThatThrownBy(() -> busy.chat("x")).isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.retriable()).isTrue());
        assertThatThrownBy(() -> limited.chat("x")).isInstanceOfSatisfying(ModelException.class,
                e -> assertThat(e.retriable()).isTrue());
        assertThatThrownBy(() -> unauthorized.chat("x")).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).contains("401", "check the API key", "<redacted>").doesNotContain("sk-abcdefghijklmnop1234");
        });
    }

    @Test
    void theStatusInASpringAiErrorIsClassifiedByTheSharedRule() {
        for (int status : new int[] {408, 425, 429, 500, 503, 400, 404, 409, 422, 501}) {
            LanguageModel model = SpringAi.model(new RecordingChatModel(p -> {
                throw new NonTransientAiException(status + " - {\"error\":\"status " + status + "\"}");
            }));

            assertThatThrownBy(() -> model.chat("x")).as("HTTP %d", status)
                    .isInstanceOf(HttpRetryRules.retriable(status) ? RetriableModelException.class : NonRetriableModelException.class)
                    .hasMessageContaining(String.valueOf(status));
        }
        assertThat(HttpRetryRules.retriable(409)).isFalse();
        assertThat(HttpRetryRules.retriable(425)).isTrue();
    }

    @Test
    void anAnswerWithoutTextAndAnUnknownRoleArePermanentErrors() {
        LanguageModel empty = SpringAi.model(new RecordingChatModel(p -> new ChatResponse(List.of())));

        assertThatThrownBy(() -> empty.chat("x")).isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).contains("no text");
        });
        assertThatThrownBy(() -> empty.chat(List.of(new ChatMessage("tool", "{}"))))
                .isInstanceOf(ModelException.class).hasMessageContaining("unsupported message role 'tool'");
    }

    @Test
    void theProviderRejectsUnknownOptionsAndAMissingKeyNamingTheFix() {
        SpringAiOpenAiProvider provider = new SpringAiOpenAiProvider(k -> null);

        assertThatThrownBy(() -> provider.create("gpt-x", Map.of("temprature", "0")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown option 'temprature'");
        assertThatThrownBy(() -> provider.create("gpt-x", Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("OPENAI_API_KEY");
        assertThatThrownBy(() -> provider.create("gpt-x", Map.of("apiKey", "k", "maxTokens", "many")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxTokens", "'many'");
        assertThat(provider.create("gpt-x", Map.of("apiKey", "k")).name()).isEqualTo("spring-ai-openai:/gpt-x");
    }
}
