package dev.promptopt;

import java.util.List;
import java.util.Objects;

/**
 * What went wrong or took extra requests during a run, counted by the engine whatever the optimizer.
 *
 * <pre>{@code
 * RunStats s = result.stats();
 * if (s.failedCalls() > 0) log.warn("{} calls failed; final failures: {}", s.failedCalls(), s.failedFinalExamples());
 * }</pre>
 *
 * @param failedCalls           predict or judge calls that failed (no metric call each; left out of the scores)
 * @param hedgedCalls           extra predict requests sent by hedging (0 when hedging is off; no metric call each)
 * @param failedBaselineExamples ids of the examples whose baseline evaluation failed, after the retry rounds
 * @param failedFinalExamples   ids of the examples whose final evaluation failed, after the retry rounds
 * @param unloadedPrompts       target prompts the predict function never loaded from the registry while it loaded
 *                              others (their candidates changed nothing the application ran); empty otherwise
 */
public record RunStats(long failedCalls, long hedgedCalls, List<String> failedBaselineExamples,
                       List<String> failedFinalExamples, List<String> unloadedPrompts) {
    public RunStats {
        if (failedCalls < 0 || hedgedCalls < 0) {
            throw new IllegalArgumentException("run stats: call counts must be >= 0, found failedCalls " + failedCalls
                    + ", hedgedCalls " + hedgedCalls);
        }
        failedBaselineExamples = List.copyOf(Objects.requireNonNull(failedBaselineExamples, "failedBaselineExamples"));
        failedFinalExamples = List.copyOf(Objects.requireNonNull(failedFinalExamples, "failedFinalExamples"));
        unloadedPrompts = List.copyOf(Objects.requireNonNull(unloadedPrompts, "unloadedPrompts"));
    }

    /** Nothing failed, nothing hedged. */
    public static RunStats none() {
        return new RunStats(0, 0, List.of(), List.of(), List.of());
    }
}
