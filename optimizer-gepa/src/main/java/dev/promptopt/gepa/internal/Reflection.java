package dev.promptopt.gepa.internal;

import dev.promptopt.ExampleResult;
import dev.promptopt.Secrets;
import dev.promptopt.gepa.GepaOptions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The reflection prompt (rendering the reflective dataset) and the extraction of the proposed text. */
public final class Reflection {
    /** Our default wording; the structure follows the reference (see reference/gepa.md). */
    public static final String DEFAULT_TEMPLATE = """
            You are improving one instruction of an AI system. The system was run with this instruction:

            ```
            {{current_instruction}}
            ```

            Below are examples the system handled with it. Each shows the inputs, what the system generated, \
            and feedback on the result from its evaluators (scores and their explanations):

            {{examples}}

            Write an improved instruction. First work out from the examples what the inputs look like and what \
            exactly the task demands. The feedback often reveals facts specific to this task or its domain that \
            the current instruction leaves out: put every such fact into the new instruction, because the system \
            will not see these examples or this feedback again. Where the examples show a way of solving the task \
            that generalizes, describe that strategy as well. Keep every placeholder written in double curly braces \
            exactly as it is, and do not add new ones.

            Return only the new instruction, inside a ``` block.
            """;

    private static final Pattern LANGUAGE_TAG = Pattern.compile("^[A-Za-z0-9_+.\\-]*[ \\t]*\\r?\\n");

    private Reflection() {
    }

    /** Fills the two slots in one pass, so text inserted into one slot is never read as the other. */
    public static String prompt(String template, String currentInstruction, String examples) {
        String a = GepaOptions.CURRENT_INSTRUCTION_SLOT;
        String b = GepaOptions.EXAMPLES_SLOT;
        StringBuilder sb = new StringBuilder(template.length() + currentInstruction.length() + examples.length());
        int i = 0;
        while (i < template.length()) {
            if (template.startsWith(a, i)) {
                sb.append(currentInstruction);
                i += a.length();
            } else if (template.startsWith(b, i)) {
                sb.append(examples);
                i += b.length();
            } else {
                sb.append(template.charAt(i++));
            }
        }
        return sb.toString();
    }

    /** What reflection keeps of one minibatch result: the output rendered as text and the feedback. */
    public static GepaState.ReflectionExample record(ExampleResult r) {
        GepaState.ReflectionExample e = new GepaState.ReflectionExample();
        e.exampleId = r.example().id();
        e.output = r.output() == null ? "(no output)\n\n" : renderValue(r.output(), 3);
        String feedback = r.feedbackText();
        if (r.failed() && !feedback.contains(r.error())) {
            feedback = (feedback.isEmpty() ? "" : feedback + "\n") + "error: " + r.error();
        }
        e.feedback = Secrets.redact(feedback); // the reflection model must never see a credential an error echoed
        e.score = r.score();
        return e;
    }

    /**
     * The examples as markdown: {@code # Example k} with {@code ## Inputs}, {@code ## Generated Outputs} and
     * {@code ## Feedback}; nested maps and lists become deeper headings.
     */
    public static String renderExamples(List<GepaState.ReflectionExample> examples, Map<String, Map<String, Object>> inputsById) {
        StringBuilder sb = new StringBuilder();
        int k = 1;
        for (GepaState.ReflectionExample e : examples) {
            sb.append("# Example ").append(k++).append('\n');
            sb.append("## Inputs\n").append(renderValue(inputsById.get(e.exampleId), 3));
            sb.append("## Generated Outputs\n").append(e.output);
            sb.append("## Feedback\n").append(renderValue(e.feedback.isBlank() ? "(none)" : e.feedback, 3));
        }
        return sb.toString().strip();
    }

    /** One value as markdown under headings of the given level. */
    public static String renderValue(Object value, int level) {
        String hashes = "#".repeat(Math.min(level, 6));
        if (value instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(hashes).append(' ').append(e.getKey()).append('\n');
                sb.append(renderValue(e.getValue(), level + 1));
            }
            return map.isEmpty() ? "\n" : sb.toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < list.size(); i++) {
                sb.append(hashes).append(" Item ").append(i + 1).append('\n');
                sb.append(renderValue(list.get(i), level + 1));
            }
            return list.isEmpty() ? "\n" : sb.toString();
        }
        return String.valueOf(value).strip() + "\n\n";
    }

    /** The outcome of reading a reflection answer: the text, or why it is unusable. */
    public record Extraction(String text, String rejectKey, String rejectReason) {
        public boolean ok() {
            return rejectKey == null;
        }
    }

    /**
     * The text between the first and the last {@code ```} fence, without a language tag on the first line;
     * the whole answer when it has no fence. An unclosed fence means the answer was cut off, and the
     * reference adopting it verbatim is a known bug, so it is rejected, as is an empty text.
     */
    public static Extraction extract(String raw) {
        int first = raw.indexOf("```");
        int last = raw.lastIndexOf("```");
        String text;
        if (first < 0) {
            text = raw.strip();
        } else if (first == last) {
            return new Extraction(null, "unclosed_fence",
                    "the reflection answer opens a ``` block it never closes (truncated output?)");
        } else {
            String content = raw.substring(first + 3, last);
            Matcher m = LANGUAGE_TAG.matcher(content);
            if (m.find()) {
                content = content.substring(m.end());
            }
            text = content.strip();
        }
        if (text.isEmpty()) {
            return new Extraction(null, "empty", "the reflection answer holds no instruction text");
        }
        return new Extraction(text, null, null);
    }
}
