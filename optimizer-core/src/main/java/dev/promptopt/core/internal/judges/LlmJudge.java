package dev.promptopt.core.internal.judges;

import dev.promptopt.core.internal.scorers.Texts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.ChatMessage;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.Scorer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An LLM judge: renders its prompt for one example and output, asks the model, and reads a verdict with
 * {@link VerdictParser}. The judge's rationale becomes the feedback's rationale. An unreadable answer scores 0
 * and says so; a failing model call throws (the engine turns it into a zero score, or stops a systemic failure).
 */
abstract class LlmJudge implements Scorer {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_RAW_IN_RATIONALE = 300;

    static final String SYSTEM = "You are a careful, impartial evaluator of a language model's output. "
            + "Judge only what you are asked. Think briefly, then answer with a single JSON object and nothing else.";

    private final String name;
    private final LanguageModel model;
    private final VerdictParser.Kind kind;

    LlmJudge(String name, LanguageModel model, VerdictParser.Kind kind) {
        this.name = Objects.requireNonNull(name, "name");
        this.model = Objects.requireNonNull(model, "model");
        this.kind = kind;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean usesModel() {
        return true;
    }

    LanguageModel model() {
        return model;
    }

    /** The user message asking for the verdict. */
    abstract String prompt(Example example, String output);

    /** What the rationale starts with for a value, e.g. "Equivalent" / "Not equivalent". */
    abstract String label(double value);

    @Override
    public Feedback score(Example example, Object output) {
        String text = asText(output);
        if (text == null || text.isBlank()) {
            return new Feedback(0.0, label(0) + ": the output is empty", Map.of("judge", model.name(), "parsed_from", "none"));
        }
        ModelResponse response = model.chat(List.of(ChatMessage.system(SYSTEM), ChatMessage.user(prompt(example, text))));
        Verdict v = VerdictParser.parse(response.text(), kind);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("judge", model.name());
        details.put("parsed_from", v.parsedFrom());
        details.put("judge_input_tokens", response.usage().inputTokens());
        details.put("judge_output_tokens", response.usage().outputTokens());
        if (!v.parsed()) {
            details.put("raw_answer", response.text());
            return new Feedback(0.0, "Could not read a verdict from the judge's answer (scored 0): "
                    + excerpt(response.text()), details);
        }
        details.put("verdict", v.raw());
        String why = v.rationale().isBlank() ? "(the judge gave no rationale)" : v.rationale();
        return new Feedback(v.value(), label(v.value()) + ": " + why, details);
    }

    // ----- helpers shared by the judges ---------------------------------------------------------

    static String asText(Object value) {
        return Texts.asText(value);
    }

    static String inputsBlock(Example example) {
        if (example.inputs().isEmpty()) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        example.inputs().forEach((k, v) -> sb.append("- ").append(k).append(": ").append(asText(v)).append('\n'));
        return sb.toString().strip();
    }

    static String section(String title, String body) {
        return "<" + title + ">\n" + body + "\n</" + title + ">\n\n";
    }

    static String excerpt(String s) {
        String t = s == null ? "" : s.strip();
        return "\"" + (t.length() <= MAX_RAW_IN_RATIONALE ? t : t.substring(0, MAX_RAW_IN_RATIONALE) + "...") + "\"";
    }

    @Override
    public String toString() {
        return "Judge[" + name + ", " + model.name() + "]";
    }
}
