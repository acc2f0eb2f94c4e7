package dev.promptopt;

/**
 * Receives a run's events, on the thread that emits them; keep it quick.
 *
 * <pre>{@code
 * PromptOptimizer.builder()...listener(event -> log.debug("{}", event)).run();
 * }</pre>
 */
@FunctionalInterface
public interface OptimizationListener {
    void onEvent(OptimizationEvent event);
}
