package dev.promptopt.core.testing;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.TokenUsage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A language model whose answers a test scripts: a function of the last user message (or of all messages).
 * Counts calls. Token usage is the word count of prompt and answer.
 */
public final class ScriptedModel implements LanguageModel {
    private final String name;
    private final Function<List<ChatMessage>, String> script;
    private final AtomicInteger calls = new AtomicInteger();

    private ScriptedModel(String name, Function<List<ChatMessage>, String> script) {
        this.name = name;
        this.script = script;
    }

    /** Answers from the text of the last message. */
    public static ScriptedModel answering(Function<String, String> byLastMessage) {
        return new ScriptedModel("scripted", msgs -> byLastMessage.apply(msgs.get(msgs.size() - 1).content()));
    }

    public static ScriptedModel answeringMessages(Function<List<ChatMessage>, String> script) {
        return new ScriptedModel("scripted", script);
    }

    public ScriptedModel named(String newName) {
        return new ScriptedModel(newName, script);
    }

    public int calls() {
        return calls.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelResponse chat(List<ChatMessage> messages) {
        calls.incrementAndGet();
        String answer = script.apply(messages);
        long in = messages.stream().mapToLong(m -> words(m.content())).sum();
        return new ModelResponse(answer, new TokenUsage(in, words(answer)), name);
    }

    private static long words(String s) {
        String t = s.trim();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }
}
