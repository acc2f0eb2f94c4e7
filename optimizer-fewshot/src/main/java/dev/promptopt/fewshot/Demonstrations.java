package dev.promptopt.fewshot;

import dev.promptopt.ChatMessage;
import dev.promptopt.PromptTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Writes demonstrations into a template, so that a plain {@code format()} of the result shows them to the model.
 *
 * <p>Text template: the lines from the first line holding a variable to the end are the input section. Each
 * demonstration is that section rendered with the demonstration's inputs, then the output prefix and the answer;
 * the demonstrations go between the instruction and the input section, and the output prefix (trimmed) ends the
 * template as the answer cue. Chat template: each demonstration becomes a user turn (the last variable-bearing
 * message rendered with its inputs) and an assistant turn (the answer), inserted before that message. Braces
 * {@code {{} in demonstration text are escaped ({@code \{{}), so the template keeps exactly its variables.
 *
 * <pre>{@code
 * PromptTemplate t = PromptTemplate.text("Classify the sentiment.\nText: {{text}}");
 * PromptTemplate withDemos = Demonstrations.write(t, List.of(new Demonstration("a", Map.of("text", "Great!"), "positive")),
 *         "Sentiment: ");
 * // Classify the sentiment.\nText: Great!\nSentiment: positive\n\nText: {{text}}\nSentiment:
 * }</pre>
 */
public final class Demonstrations {
    private Demonstrations() {
    }

    /** The template with the demonstrations written in; the template itself when there are none. */
    public static PromptTemplate write(PromptTemplate template, List<Demonstration> demos, String outputPrefix) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(outputPrefix, "outputPrefix");
        if (demos.isEmpty()) {
            return template;
        }
        return template.isChat() ? writeChat(template, demos) : writeText(template.text(), demos, outputPrefix);
    }

    /** Braces escaped so that text shows literally in a template: {@code {{} becomes {@code \{{}. */
    public static String escape(String text) {
        return text.replace("{{", "\\{{");
    }

    private static PromptTemplate writeText(String text, List<Demonstration> demos, String outputPrefix) {
        List<String> lines = Arrays.asList(text.split("\n", -1));
        int first = lines.size();
        for (int i = 0; i < lines.size(); i++) {
            if (!PromptTemplate.variablesOf(lines.get(i)).isEmpty()) {
                first = i;
                break;
            }
        }
        String instruction = String.join("\n", lines.subList(0, first));
        String section = String.join("\n", lines.subList(first, lines.size()));
        PromptTemplate sectionTemplate = PromptTemplate.text(section);
        StringBuilder sb = new StringBuilder();
        if (!instruction.isEmpty()) {
            sb.append(instruction).append('\n');
        }
        for (Demonstration d : demos) {
            String shown = sectionTemplate.variables().isEmpty() ? "" : escape(sectionTemplate.format(d.inputs()));
            if (!shown.isEmpty()) {
                sb.append(shown).append('\n');
            }
            sb.append(outputPrefix).append(escape(d.output())).append("\n\n");
        }
        sb.append(section);
        String cue = outputPrefix.strip();
        if (!cue.isEmpty() && !section.stripTrailing().endsWith(cue)) {
            sb.append('\n').append(cue);
        }
        return PromptTemplate.text(sb.toString());
    }

    private static PromptTemplate writeChat(PromptTemplate template, List<Demonstration> demos) {
        List<ChatMessage> messages = template.messages();
        int last = -1;
        for (int i = 0; i < messages.size(); i++) {
            if (!PromptTemplate.variablesOf(messages.get(i).content()).isEmpty()) {
                last = i;
            }
        }
        if (last < 0) {
            last = messages.size() - 1;
        }
        PromptTemplate userTurn = PromptTemplate.text(messages.get(last).content());
        List<ChatMessage> out = new ArrayList<>(messages.subList(0, last));
        for (Demonstration d : demos) {
            out.add(ChatMessage.user(escape(userTurn.format(d.inputs()))));
            out.add(ChatMessage.assistant(escape(d.output())));
        }
        out.addAll(messages.subList(last, messages.size()));
        return PromptTemplate.chat(out);
    }
}
