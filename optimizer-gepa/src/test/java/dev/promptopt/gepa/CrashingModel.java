package dev.promptopt.gepa;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model that fails like a dying process (an unchecked error) at its n-th call, for crash-and-resume tests;
 * {@code crashAt} -1 never crashes. Calls it answered are counted in {@code answered}, which several instances
 * (one per process life) may share.
 */
final class CrashingModel implements LanguageModel {
    private final LanguageModel delegate;
    private final int crashAt;
    private final AtomicInteger answered;
    private final AtomicInteger attempts = new AtomicInteger();

    CrashingModel(LanguageModel delegate, int crashAt) {
        this(delegate, crashAt, new AtomicInteger());
    }

    CrashingModel(LanguageModel delegate, int crashAt, AtomicInteger answered) {
        this.delegate = delegate;
        this.crashAt = crashAt;
        this.answered = answered;
    }

    @Override
    public String name() {
        return "scripted:/crashing";
    }

    @Override
    public ModelResponse chat(List<ChatMessage> messages) {
        if (attempts.incrementAndGet() == crashAt) {
            throw new IllegalStateException("simulated crash at reflection call " + crashAt);
        }
        answered.incrementAndGet();
        return delegate.chat(messages);
    }
}
