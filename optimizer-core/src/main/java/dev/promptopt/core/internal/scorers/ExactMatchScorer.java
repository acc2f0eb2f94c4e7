package dev.promptopt.core.internal.scorers;

import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.core.MatchOptions;
import java.util.Objects;

/** The output equals the reference output after {@link MatchOptions} normalization. */
public final class ExactMatchScorer extends ReferenceScorer {
    private final MatchOptions options;

    public ExactMatchScorer(MatchOptions options) {
        super("exact_match");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public Feedback score(Example example, Object output) {
        String expected = Texts.asText(example.referenceOutput());
        if (expected == null) {
            return Feedback.fail("no reference output to compare with");
        }
        String got = Texts.asText(output);
        if (got == null) {
            return Feedback.fail("expected " + Texts.show(expected) + " but the output was empty (null)");
        }
        String how = options.description();
        if (options.normalize(got).equals(options.normalize(expected))) {
            return Feedback.pass("output matches the reference " + Texts.show(expected) + (how.isEmpty() ? "" : " (" + how + ")"));
        }
        return Feedback.fail("expected " + Texts.show(expected) + " but got " + Texts.show(got) + hint(expected, got));
    }

    /** Says when the texts differ only in something the options could ignore: useful to reflection. */
    private String hint(String expected, String got) {
        if (!options.ignoreCase() && options.ignoreCase(true).normalize(got).equals(options.ignoreCase(true).normalize(expected))) {
            return " (they differ only in letter case)";
        }
        MatchOptions lenient = MatchOptions.lenient();
        if (lenient.normalize(got).equals(lenient.normalize(expected))) {
            return " (they differ only in case, whitespace, quotes or punctuation)";
        }
        if (got.strip().contains(expected.strip()) && !expected.isBlank()) {
            return " (the output contains the expected text plus more)";
        }
        return "";
    }
}
