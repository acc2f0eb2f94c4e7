package dev.promptopt.core.internal.scorers;

import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.Scorer;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pattern is found somewhere in the output ({@link Matcher#find()}); anchor it to match the whole output. */
public final class RegexScorer implements Scorer {
    private final Pattern pattern;

    public RegexScorer(Pattern pattern) {
        this.pattern = Objects.requireNonNull(pattern, "pattern");
    }

    @Override
    public String name() {
        return "regex";
    }

    @Override
    public Feedback score(Example example, Object output) {
        String got = Texts.asText(output);
        if (got == null) {
            return Feedback.fail("output is empty (null); it must match /" + pattern.pattern() + "/");
        }
        Matcher m = pattern.matcher(got);
        if (m.find()) {
            return Feedback.pass("output matches /" + pattern.pattern() + "/ at " + Texts.show(m.group(), 80));
        }
        return Feedback.fail("output does not match /" + pattern.pattern() + "/; got " + Texts.show(got));
    }

    @Override
    public String toString() {
        return "Scorer[regex /" + pattern.pattern() + "/]";
    }
}
