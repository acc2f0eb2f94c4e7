package dev.promptopt;

import java.util.List;

/**
 * Bad input from the user: a malformed dataset line, a template variable an example lacks,
 * an unknown prompt, a bad option. The message names where (file, line, example id), the field,
 * what was expected and what was found. When several problems are found at once, {@link #problems()}
 * lists each and the message joins them.
 *
 * <pre>{@code
 * catch (InvalidInputException e) { e.problems().forEach(System.err::println); }
 * }</pre>
 */
public class InvalidInputException extends PromptOptimizerException {
    private final List<String> problems;

    public InvalidInputException(String message) {
        this(message, (Throwable) null);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    private InvalidInputException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** One exception carrying several problems; the message lists them, one per line. */
    public static InvalidInputException of(String summary, List<String> problems) {
        if (problems.size() == 1) {
            return new InvalidInputException(summary + ": " + problems.get(0), problems);
        }
        StringBuilder sb = new StringBuilder(summary).append(" (").append(problems.size()).append(" problems):");
        int shown = 0;
        for (String p : problems) {
            if (shown++ == 20) {
                sb.append("\n  - ... and ").append(problems.size() - 20).append(" more");
                break;
            }
            sb.append("\n  - ").append(p);
        }
        return new InvalidInputException(sb.toString(), problems);
    }

    /** Every problem found, each a complete sentence. */
    public List<String> problems() {
        return problems;
    }
}
