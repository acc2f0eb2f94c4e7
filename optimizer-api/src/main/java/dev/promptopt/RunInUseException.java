package dev.promptopt;

/**
 * Another writer holds the run: a process (or another run in this one) has the run folder's lock, or another worker
 * holds a live lease on a managed execution. The message names the holder (pid, host, start time or lease expiry).
 *
 * <pre>{@code
 * try { optimizer.run(); } catch (RunInUseException e) { log.warn("already running: {}", e.getMessage()); }
 * }</pre>
 */
public class RunInUseException extends PromptOptimizerException {
    private static final long serialVersionUID = 1L;

    public RunInUseException(String message) {
        super(message);
    }
}
