package dev.promptopt;

import dev.promptopt.internal.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template: a text, or a chat (a list of role/content messages).
 *
 * <p>Placeholders are written {@code {{name}}} (MLflow) or {@code {{?name}}} (SAP); spaces inside the
 * braces are allowed. A backslash before the braces (<code>\{{</code>) writes literal braces. Anything that
 * is not a well-formed placeholder is kept as literal text. Rendering is strict: a variable missing
 * from the inputs is an error naming it.
 *
 * <pre>{@code
 * PromptTemplate t = PromptTemplate.text("Classify the sentiment.\nText: {{text}}");
 * t.variables();                              // [text]
 * String prompt = t.format(Map.of("text", "I love it"));
 * }</pre>
 */
public final class PromptTemplate {
    /** Text or chat. */
    public enum Kind { TEXT, CHAT }

    private static final Pattern PLACEHOLDER =
            Pattern.compile("(\\\\)?\\{\\{\\s*(\\??)\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private final Kind kind;
    private final String text;
    private final List<ChatMessage> messages;
    private final Set<String> variables;

    private PromptTemplate(Kind kind, String text, List<ChatMessage> messages) {
        this.kind = kind;
        this.text = text;
        this.messages = messages;
        Set<String> vars = new LinkedHashSet<>();
        if (kind == Kind.TEXT) {
            collectVariables(text, vars);
        } else {
            for (ChatMessage m : messages) {
                collectVariables(m.content(), vars);
            }
        }
        this.variables = Collections.unmodifiableSet(vars);
    }

    /** A text template. */
    public static PromptTemplate text(String text) {
        Objects.requireNonNull(text, "text");
        return new PromptTemplate(Kind.TEXT, text, List.of());
    }

    /** A chat template; message contents may hold placeholders. */
    public static PromptTemplate chat(List<ChatMessage> messages) {
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw new InvalidInputException("a chat template needs at least one message, found none");
        }
        return new PromptTemplate(Kind.CHAT, null, List.copyOf(messages));
    }

    public Kind kind() {
        return kind;
    }

    public boolean isChat() {
        return kind == Kind.CHAT;
    }

    /** The template text of a text template; for a chat template, the messages as {@code role: content} lines. */
    public String text() {
        if (kind == Kind.TEXT) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(m.role()).append(": ").append(m.content());
        }
        return sb.toString();
    }

    /** The messages of a chat template; a text template is one user message. */
    public List<ChatMessage> messages() {
        return kind == Kind.CHAT ? messages : List.of(ChatMessage.user(text));
    }

    /** The placeholder names, in order of first appearance. */
    public Set<String> variables() {
        return variables;
    }

    /**
     * Renders a text template. Values that are not strings are written as JSON.
     *
     * @throws TemplateException when a variable is missing or null, or when this is a chat template
     */
    public String format(Map<String, ?> inputs) {
        if (kind == Kind.CHAT) {
            throw new TemplateException("format(inputs) renders text templates; this is a chat template of "
                    + messages.size() + " messages: use formatMessages(inputs)");
        }
        return render(text, inputs);
    }

    /** Renders every message; a text template renders to one user message. */
    public List<ChatMessage> formatMessages(Map<String, ?> inputs) {
        List<ChatMessage> out = new ArrayList<>();
        for (ChatMessage m : messages()) {
            out.add(new ChatMessage(m.role(), render(m.content(), inputs)));
        }
        return List.copyOf(out);
    }

    /**
     * The same kind of template with new text. For a chat template the text replaces the content of
     * the message an optimizer rewrites (see {@link #optimizableText()}).
     */
    public PromptTemplate withOptimizableText(String newText) {
        Objects.requireNonNull(newText, "newText");
        if (kind == Kind.TEXT) {
            return text(newText);
        }
        List<ChatMessage> copy = new ArrayList<>(messages);
        int i = optimizableIndex();
        copy.set(i, new ChatMessage(copy.get(i).role(), newText));
        return chat(copy);
    }

    /**
     * The text an optimizer rewrites: the whole text of a text template; for a chat template the
     * system message if there is one, else the first message.
     */
    public String optimizableText() {
        return kind == Kind.TEXT ? text : messages.get(optimizableIndex()).content();
    }

    private int optimizableIndex() {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).role().equals("system")) {
                return i;
            }
        }
        return 0;
    }

    /** The placeholder names found in a piece of text. */
    public static Set<String> variablesOf(String text) {
        Set<String> vars = new LinkedHashSet<>();
        collectVariables(text, vars);
        return vars;
    }

    private static void collectVariables(String s, Set<String> into) {
        Matcher m = PLACEHOLDER.matcher(s);
        while (m.find()) {
            if (m.group(1) == null) {
                into.add(m.group(3));
            }
        }
    }

    private String render(String s, Map<String, ?> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        Matcher m = PLACEHOLDER.matcher(s);
        StringBuilder sb = new StringBuilder(s.length() + 64);
        int last = 0;
        while (m.find()) {
            sb.append(s, last, m.start());
            if (m.group(1) != null) {
                sb.append(m.group().substring(1)); // escaped: literal braces, without the backslash
            } else {
                String name = m.group(3);
                if (!inputs.containsKey(name)) {
                    throw new TemplateException("template needs variable '" + name + "' but the inputs have "
                            + new java.util.TreeSet<>(inputs.keySet()));
                }
                Object value = inputs.get(name);
                if (value == null) {
                    throw new TemplateException("template variable '" + name + "' is null in the inputs: give it a value"
                            + " (a null would be rendered as the text \"null\")");
                }
                sb.append(value instanceof String str ? str : Json.write(value));
            }
            last = m.end();
        }
        sb.append(s, last, s.length());
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptTemplate t && kind == t.kind && Objects.equals(text, t.text)
                && messages.equals(t.messages);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, text, messages);
    }

    @Override
    public String toString() {
        return kind == Kind.TEXT ? text : messages.toString();
    }
}
