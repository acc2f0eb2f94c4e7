package dev.promptopt.core.internal.judges;

import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * "guidelines": the output follows every rule: the judge's own rules plus the example's {@code guidelines}
 * expectation (a string or a list of strings), if any.
 */
public final class GuidelinesJudge extends LlmJudge {
    private final List<String> guidelines;

    public GuidelinesJudge(LanguageModel model, List<String> guidelines) {
        super("guidelines", model, VerdictParser.Kind.BINARY);
        this.guidelines = List.copyOf(guidelines);
    }

    public List<String> guidelines() {
        return guidelines;
    }

    @Override
    public List<String> missingRequirements(Example example) {
        return rules(example).isEmpty()
                ? List.of("guidelines: none given to the judge and no 'guidelines' expectation on the example")
                : List.of();
    }

    List<String> rules(Example example) {
        List<String> rules = new ArrayList<>(guidelines);
        Object own = example.expectations().get("guidelines");
        if (own instanceof Collection<?> list) {
            list.forEach(g -> rules.add(asText(g)));
        } else if (own != null && !asText(own).isBlank()) {
            rules.add(asText(own));
        }
        return rules;
    }

    @Override
    String prompt(Example example, String output) {
        StringBuilder rules = new StringBuilder();
        int i = 1;
        for (String rule : rules(example)) {
            rules.append(i++).append(". ").append(rule).append('\n');
        }
        return "Decide whether the OUTPUT, written in reply to the INPUTS, follows EVERY one of the GUIDELINES. "
                + "One violated guideline means it does not pass. A guideline that does not apply to this output counts as followed.\n\n"
                + section("GUIDELINES", rules.toString().strip())
                + section("INPUTS", inputsBlock(example))
                + section("OUTPUT", output)
                + "Answer with JSON only: {\"rationale\": \"<for each violated guideline, its number and why; or why all are "
                + "followed>\", \"verdict\": \"yes\" or \"no\"}";
    }

    @Override
    String label(double value) {
        return value >= 0.5 ? "Follows the guidelines" : "Violates the guidelines";
    }
}
