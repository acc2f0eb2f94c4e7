package dev.promptopt.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link LanguageModel} shares: messages in, text and token usage out; failures are
 * {@link ModelException}s that say whether a retry can help and name the model; calls from many threads
 * at once are safe; credentials never appear in a message, a name or {@code toString()}.
 *
 * <p>An implementation's test extends this and says how to get a model that answers and, where the
 * implementation can be made to fail on purpose, one that fails:
 *
 * <pre>{@code
 * class MyModelContractTest extends LanguageModelContract {
 *     protected LanguageModel answering(int calls) {
 *         server.queueAnswers(calls);                    // a scripted local server
 *         return MyModel.builder().baseUrl(server.url()).apiKey(SECRET).build();
 *     }
 *     protected LanguageModel failing(Failure failure) {
 *         server.queueError(failure == Failure.RETRIABLE ? 503 : 401, "key " + SECRET + " rejected");
 *         return MyModel.builder().baseUrl(server.url()).apiKey(SECRET).maxAttempts(1).build();
 *     }
 *     protected Optional<String> secret() { return Optional.of(SECRET); }
 * }
 * }</pre>
 *
 * A real model that cannot be made to fail (a local model file) keeps the default {@link #failing}, which
 * skips the failure tests.
 */
public abstract class LanguageModelContract {

    /** The kind of failure {@link #failing} sets up. */
    public enum Failure {
        /** A failure a later attempt may not have, e.g. HTTP 429, 503 or a timeout. */
        RETRIABLE,
        /** A failure that repeats whatever the attempt, e.g. HTTP 400 or 401. */
        PERMANENT
    }

    /** The conversation every test sends: a system message and a user message. */
    protected static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("Answer with one word."), ChatMessage.user("Is the sky blue on a clear day?"));

    /**
     * A model that answers the next {@code calls} calls. A scripted server queues that many answers;
     * a real model may ignore the count.
     */
    protected abstract LanguageModel answering(int calls);

    /**
     * A model whose next call fails in the given way, after whatever retries the model makes. Where the
     * implementation handles a credential, the failing model is given {@link #secret()} and the error the
     * provider returns repeats it, so that the test can check it is redacted. The default skips the
     * failure tests, for models that cannot be made to fail on purpose.
     */
    protected LanguageModel failing(Failure failure) {
        abort(getClass().getSimpleName() + " cannot make its model fail " + failure.name().toLowerCase());
        throw new AssertionError("unreachable");
    }

    /** The credential the models under test are built with, if any: it must never show. */
    protected Optional<String> secret() {
        return Optional.empty();
    }

    /** Whether the model reports token usage for every answer (false only where the source has none). */
    protected boolean reportsTokenUsage() {
        return true;
    }

    /** How many calls the concurrency test makes at once. */
    protected int concurrentCalls() {
        return 4;
    }

    @Test
    void messagesInGiveTextAndTokenUsageOut() {
        ModelResponse response = answering(1).chat(CONVERSATION);

        assertThat(response.text()).isNotBlank();
        assertThat(response.usage()).isNotNull();
        if (reportsTokenUsage()) {
            assertThat(response.usage().inputTokens()).as("input tokens").isPositive();
            assertThat(response.usage().outputTokens()).as("output tokens").isPositive();
            assertThat(response.usage().complete()).as("every count reported").isTrue();
        } else {
            assertThat(response.usage().complete()).as("counts not reported are marked so, not zero").isFalse();
        }
    }

    @Test
    void theModelHasANameWithoutCredentials() {
        LanguageModel model = answering(0);

        assertThat(model.name()).isNotBlank();
        secret().ifPresent(s -> {
            assertThat(model.name()).doesNotContain(s);
            assertThat(model.toString()).doesNotContain(s);
        });
    }

    @Test
    void aPermanentFailureIsANonRetriableModelExceptionNamingTheModelWithoutCredentials() {
        assertFailure(failing(Failure.PERMANENT), false);
    }

    @Test
    void aRetriableFailureIsARetriableModelExceptionNamingTheModelWithoutCredentials() {
        assertFailure(failing(Failure.RETRIABLE), true);
    }

    private void assertFailure(LanguageModel model, boolean retriable) {
        assertThatThrownBy(() -> model.chat(CONVERSATION))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.retriable()).as("retriable").isEqualTo(retriable);
                    assertThat(e.getMessage()).as("the message names the model").contains(model.name());
                    secret().ifPresent(s -> assertThat(fullText(e)).as("message and causes").doesNotContain(s));
                });
    }

    private static String fullText(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }

    @Test
    void callsFromManyThreadsAtOnceAllGetTheirAnswer() throws Exception {
        int n = concurrentCalls();
        LanguageModel model = answering(n);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<ModelResponse>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return model.chat(CONVERSATION);
                }));
            }
            start.countDown();
            for (Future<ModelResponse> answer : answers) {
                assertThat(answer.get(5, TimeUnit.MINUTES).text()).isNotBlank();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
