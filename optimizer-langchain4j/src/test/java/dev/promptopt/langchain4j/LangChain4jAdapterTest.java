package dev.promptopt.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LangChain4jAdapterTest {
    final List<ChatRequest> requests = new ArrayList<>();

    ChatModel answering(String text) {
        return new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                requests.add(request);
                return ChatResponse.builder().aiMessage(AiMessage.from(text)).modelName("fake-1")
                        .tokenUsage(new dev.langchain4j.model.output.TokenUsage(11, 5)).build();
            }
        };
    }

    @Test
    void convertsMessagesAndReturnsTextUsageAndModel() {
        LanguageModel model = LangChain4j.model(answering("negative"), "fake:/model");

        ModelResponse r = model.chat(List.of(ChatMessage.system("Be terse."), ChatMessage.user("I hate it"),
                ChatMessage.assistant("negative"), ChatMessage.user("And this?")));

        assertThat(r.text()).isEqualTo("negative");
        assertThat(r.usage().inputTokens()).isEqualTo(11);
        assertThat(r.usage().outputTokens()).isEqualTo(5);
        assertThat(r.model()).isEqualTo("fake-1");
        assertThat(model.name()).isEqualTo("fake:/model");
        List<dev.langchain4j.data.message.ChatMessage> sent = requests.get(0).messages();
        assertThat(sent).hasSize(4);
        assertThat(sent.get(0)).isInstanceOf(SystemMessage.class);
        assertThat(sent.get(1)).isInstanceOf(UserMessage.class);
        assertThat(sent.get(2)).isInstanceOf(AiMessage.class);
    }

    @Test
    void aModelWithoutANameIsNamedFromItsClass() {
        assertThat(LangChain4j.model(answering("x")).name()).contains(":/");
    }

    @Test
    void langchain4jRetriableExceptionsBecomeRetriableModelExceptions() {
        ChatModel limited = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                throw new RateLimitException("slow down");
            }
        };

        assertThatThrownBy(() -> LangChain4j.model(limited, "fake:/m").chat("hi"))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retriable()).isTrue())
                .hasMessageContaining("fake:/m");
    }

    @Test
    void anUnknownRoleIsAPermanentError() {
        assertThatThrownBy(() -> LangChain4j.model(answering("x"), "fake:/m").chat(List.of(new ChatMessage("tool", "{}"))))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageContaining("tool");
    }
}
