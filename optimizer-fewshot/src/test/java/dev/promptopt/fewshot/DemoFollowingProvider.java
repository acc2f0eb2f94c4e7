package dev.promptopt.fewshot;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelProvider;
import dev.promptopt.ModelResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code demo:/follower} for managed-run tests: it repeats the text after "Text: " in the last user message,
 * upper-cased when the chat holds at least one demonstration (an assistant turn) before it, as it was shown.
 */
public final class DemoFollowingProvider implements ModelProvider {
    @Override
    public String scheme() {
        return "demo";
    }

    @Override
    public LanguageModel create(String model, Map<String, String> options) {
        return new LanguageModel() {
            @Override
            public String name() {
                return "demo:/" + model;
            }

            @Override
            public ModelResponse chat(List<ChatMessage> messages) {
                String last = messages.get(messages.size() - 1).content();
                String text = last.substring(last.indexOf("Text: ") + 6).strip();
                boolean shown = messages.stream().anyMatch(m -> m.role().equals("assistant"));
                return ModelResponse.of(shown ? text.toUpperCase(Locale.ROOT) : text);
            }
        };
    }
}
