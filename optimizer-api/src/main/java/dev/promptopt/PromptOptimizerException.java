package dev.promptopt;

/**
 * Root of every exception this library throws. All are unchecked.
 *
 * <pre>{@code
 * try { optimizer.run(); } catch (PromptOptimizerException e) { log.error("optimization failed", e); }
 * }</pre>
 */
public class PromptOptimizerException extends RuntimeException {
    public PromptOptimizerException(String message) {
        super(message);
    }

    public PromptOptimizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
