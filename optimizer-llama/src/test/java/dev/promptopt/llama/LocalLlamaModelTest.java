package dev.promptopt.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.PromptTemplate;
import dev.promptopt.core.Models;
import dev.promptopt.testing.LanguageModelContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end with the real SmolLM2-135M-Instruct GGUF (fetched by scripts/fetch-local-model.sh). Runs the
 * {@link LanguageModelContract}; a local model has no transient failures, so the contract's retriable case is
 * skipped, and its permanent case is a closed model. The model's own errors are tested below.
 */
class LocalLlamaModelTest extends LanguageModelContract {
    private static LocalLlamaModel model;

    @BeforeAll
    static void load() {
        LocalModelAssumptions.requireLocalModel();
        model = LocalLlamaModel.builder().modelPath(LocalModelFiles.defaultModelPath()).name("local:/smollm2-135m")
                .maxTokens(48).threads(2).build();
    }

    @Override
    protected LanguageModel answering(int calls) {
        return model;
    }

    /**
     * A local model has no transient failures, so only the permanent case runs: a model used after
     * {@link LocalLlamaModel#close()} fails on every call.
     */
    @Override
    protected LanguageModel failing(Failure failure) {
        if (failure == Failure.RETRIABLE) {
            return super.failing(failure);
        }
        LocalLlamaModel closed = LocalLlamaModel.builder().modelPath(LocalModelFiles.defaultModelPath())
                .name("local:/smollm2-135m-closed").maxTokens(8).threads(1).build();
        closed.close();
        return closed;
    }

    @Override
    protected int concurrentCalls() {
        return 3;
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void answersAPromptRenderedFromATemplateWithTokenUsage() {
        PromptTemplate template = PromptTemplate.text("Answer in one short sentence.\nQuestion: {{question}}");
        String prompt = template.format(Map.of("question", "What is the capital of France?"));

        ModelResponse response = model.chat(prompt);

        assertThat(response.text()).isNotBlank();
        assertThat(response.usage().inputTokens()).isGreaterThan(10);
        assertThat(response.usage().outputTokens()).isBetween(1L, 49L);
        assertThat(response.model()).isEqualTo("local:/smollm2-135m");
    }

    @Test
    void temperatureZeroIsDeterministic() {
        List<ChatMessage> messages = List.of(ChatMessage.system("You are terse."), ChatMessage.user("Name a colour."));
        assertThat(model.chat(messages).text()).isEqualTo(model.chat(messages).text());
    }

    @Test
    void localSchemeResolvesTheDefaultModelThroughModels() {
        LanguageModel resolved = Models.resolve("local:/smollm2-135m", Map.of("maxTokens", "8", "threads", "2"));
        try {
            assertThat(resolved.name()).isEqualTo("local:/smollm2-135m");
            assertThat(resolved.chat("Hi").text()).isNotBlank();
        } finally {
            ((LocalLlamaModel) resolved).close();
        }
    }

    @Test
    void optionsCanRideInTheModelUriAsConfigurationFilesWriteThem() {
        LanguageModel resolved = Models.resolve("local:/smollm2-135m?maxTokens=3&threads=2");
        try {
            assertThat(resolved.chat("Tell me a long story about the sea.").usage().outputTokens()).isBetween(1L, 4L);
        } finally {
            ((LocalLlamaModel) resolved).close();
        }
        assertThatThrownBy(() -> Models.resolve("local:/smollm2-135m?maxTokens"))
                .hasMessageContaining("option 'maxTokens' is not <name>=<value>");
        assertThatThrownBy(() -> Models.resolve("local:/smollm2-135m?colour=blue"))
                .hasMessageContaining("colour");
    }

    @Test
    void aMissingModelFileNamesTheFetchScript() {
        assertThatThrownBy(() -> LocalLlamaModel.builder().modelPath(Path.of("/nonexistent/model.gguf")).build())
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("scripts/fetch-local-model.sh")
                .hasMessageContaining("/nonexistent/model.gguf");
    }
}
