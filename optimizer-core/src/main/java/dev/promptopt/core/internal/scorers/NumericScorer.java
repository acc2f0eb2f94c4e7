package dev.promptopt.core.internal.scorers;

import dev.promptopt.Example;
import dev.promptopt.Feedback;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The first number in the output is within an absolute tolerance of the reference number. A tiny
 * slack (1e-9 relative) absorbs floating-point rounding, so 0.4 is within 0.1 of 0.3.
 */
public final class NumericScorer extends ReferenceScorer {
    private final double tolerance;

    public NumericScorer(double tolerance) {
        super("numeric");
        this.tolerance = tolerance;
    }

    @Override
    public List<String> missingRequirements(Example example) {
        Object ref = example.referenceOutput();
        if (ref == null) {
            return List.of(NEEDS_REFERENCE);
        }
        if (Texts.firstNumber(ref).isEmpty()) {
            return List.of("a numeric reference output (found " + Texts.show(Texts.asText(ref), 80) + ")");
        }
        return List.of();
    }

    @Override
    public Feedback score(Example example, Object output) {
        OptionalDouble expected = Texts.firstNumber(example.referenceOutput());
        if (expected.isEmpty()) {
            return Feedback.fail("the reference output holds no number: " + Texts.show(Texts.asText(example.referenceOutput()), 80));
        }
        OptionalDouble got = Texts.firstNumber(output);
        if (got.isEmpty()) {
            return Feedback.fail("no number found in the output; expected " + Texts.formatNumber(expected.getAsDouble())
                    + ", got " + Texts.show(Texts.asText(output)));
        }
        double e = expected.getAsDouble();
        double g = got.getAsDouble();
        double diff = Math.abs(g - e);
        Map<String, Object> details = Map.of("expected", e, "actual", g, "difference", diff);
        String within = tolerance == 0 ? "" : " (tolerance " + Texts.formatNumber(tolerance) + ")";
        if (diff - tolerance <= 1e-9 * Math.max(1.0, Math.abs(e))) {
            return new Feedback(1.0, "got " + Texts.formatNumber(g) + ", expected " + Texts.formatNumber(e) + within, details);
        }
        return new Feedback(0.0, "expected " + Texts.formatNumber(e) + within + " but got " + Texts.formatNumber(g)
                + ", off by " + Texts.formatNumber(diff), details);
    }
}
