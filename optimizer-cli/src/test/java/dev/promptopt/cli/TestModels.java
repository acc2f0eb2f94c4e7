package dev.promptopt.cli;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelProvider;
import dev.promptopt.ModelResponse;
import dev.promptopt.TokenUsage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Models for the exit-code tests: {@code gate:/name} holds every call until {@link #release} (announcing the first
 * one on {@link #reached}), {@code broken:/name} refuses every call as a permanent failure.
 */
public final class TestModels implements ModelProvider {
    static volatile CountDownLatch reached = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);

    /** The {@code broken} scheme. */
    public static final class Broken implements ModelProvider {
        @Override
        public String scheme() {
            return "broken";
        }

        @Override
        public LanguageModel create(String model, Map<String, String> options) {
            return new LanguageModel() {
                @Override
                public String name() {
                    return "broken:/" + model;
                }

                @Override
                public ModelResponse chat(List<ChatMessage> messages) {
                    throw ModelException.permanent("HTTP 401: invalid credentials");
                }
            };
        }
    }

    static void reset() {
        reached = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    @Override
    public String scheme() {
        return "gate";
    }

    @Override
    public LanguageModel create(String model, Map<String, String> options) {
        return new LanguageModel() {
            @Override
            public String name() {
                return "gate:/" + model;
            }

            @Override
            public ModelResponse chat(List<ChatMessage> messages) {
                reached.countDown();
                try {
                    if (!release.await(2, TimeUnit.MINUTES)) {
                        throw ModelException.permanent("the test never released the gate");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ModelException.permanent("interrupted at the gate", e);
                }
                String last = messages.get(messages.size() - 1).content();
                return new ModelResponse(last, new TokenUsage(1, 1), name());
            }
        };
    }
}
