package dev.promptopt;

/**
 * The run cannot go on: every call of a batch failed, or a model refused authentication.
 * The run stops with its checkpoint intact; fix the cause and resume.
 *
 * <pre>{@code
 * catch (SystemicFailureException e) { // e.getMessage() names the failing call and its error
 * }
 * }</pre>
 */
public class SystemicFailureException extends PromptOptimizerException {
    public SystemicFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
