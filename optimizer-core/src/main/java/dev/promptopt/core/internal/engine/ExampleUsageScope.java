package dev.promptopt.core.internal.engine;

import dev.promptopt.ExampleUsage;
import dev.promptopt.TokenUsage;

/**
 * Attributes metered model calls to the example being evaluated. The engine opens a scope on the thread that
 * runs an example's predict call and scorers; every metered model ({@code UsageMeter.meter}) called on that
 * thread adds its call to it. Calls a predict function hands to other threads are not attributed (they are
 * still counted by the run's meter).
 */
public final class ExampleUsageScope {
    private static final ThreadLocal<ExampleUsageScope> CURRENT = new ThreadLocal<>();

    private long calls;
    private TokenUsage tokens = TokenUsage.ZERO;
    private double costUsd;

    private ExampleUsageScope() {
    }

    /** Opens a scope on this thread; {@link #close()} it on the same thread. */
    static ExampleUsageScope open() {
        ExampleUsageScope s = new ExampleUsageScope();
        CURRENT.set(s);
        return s;
    }

    /** Adds one metered call to the scope open on this thread, if any. */
    public static void record(TokenUsage tokens, double costUsd) {
        ExampleUsageScope s = CURRENT.get();
        if (s != null) {
            s.calls++;
            s.tokens = s.tokens.plus(tokens);
            s.costUsd += costUsd;
        }
    }

    /** Adds usage measured on another thread (a hedged predict call) to the scope open on this thread, if any. */
    static void add(ExampleUsage usage) {
        ExampleUsageScope s = CURRENT.get();
        if (s != null && usage.measured()) {
            s.calls += usage.calls();
            s.tokens = s.tokens.plus(usage.tokens());
            s.costUsd += usage.costUsd();
        }
    }

    /** What the scope collected so far. */
    ExampleUsage usage() {
        return calls == 0 ? ExampleUsage.NONE : new ExampleUsage(calls, tokens, costUsd);
    }

    void close() {
        CURRENT.remove();
    }
}
