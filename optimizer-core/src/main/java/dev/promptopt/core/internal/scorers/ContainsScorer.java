package dev.promptopt.core.internal.scorers;

import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.core.MatchOptions;
import java.util.List;
import java.util.Objects;

/** The output contains a fixed text, or the example's reference output, after normalization. */
public final class ContainsScorer extends ReferenceScorer {
    private final String text; // null: the reference output
    private final MatchOptions options;

    private ContainsScorer(String text, MatchOptions options) {
        super("contains");
        this.text = text;
        this.options = Objects.requireNonNull(options, "options");
    }

    public static ContainsScorer text(String text, MatchOptions options) {
        return new ContainsScorer(Objects.requireNonNull(text, "text"), options);
    }

    public static ContainsScorer reference(MatchOptions options) {
        return new ContainsScorer(null, options);
    }

    @Override
    public List<String> missingRequirements(Example example) {
        return text == null ? super.missingRequirements(example) : List.of();
    }

    @Override
    public Feedback score(Example example, Object output) {
        String needle = text != null ? text : Texts.asText(example.referenceOutput());
        if (needle == null) {
            return Feedback.fail("no reference output to look for");
        }
        String got = Texts.asText(output);
        if (got != null && options.normalize(got).contains(options.normalize(needle))) {
            String how = options.description();
            return Feedback.pass("output contains " + Texts.show(needle, 80) + (how.isEmpty() ? "" : " (" + how + ")"));
        }
        return Feedback.fail("output does not contain " + Texts.show(needle, 80) + "; got " + Texts.show(got));
    }
}
