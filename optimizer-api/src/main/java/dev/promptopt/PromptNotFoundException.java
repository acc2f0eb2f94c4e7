package dev.promptopt;

/**
 * A prompt URI, name, version or alias that the registry does not hold.
 *
 * <pre>{@code
 * try { registry.load("prompts:/sentiment/9"); } catch (PromptNotFoundException e) { ... }
 * }</pre>
 */
public class PromptNotFoundException extends InvalidInputException {
    public PromptNotFoundException(String message) {
        super(message);
    }
}
