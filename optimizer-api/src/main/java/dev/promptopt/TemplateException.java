package dev.promptopt;

/**
 * A template could not be rendered: a variable is missing from the inputs, or the template is malformed.
 *
 * <pre>{@code
 * template.format(Map.of()); // throws TemplateException: template needs variable 'text' ...
 * }</pre>
 */
public class TemplateException extends InvalidInputException {
    public TemplateException(String message) {
        super(message);
    }
}
