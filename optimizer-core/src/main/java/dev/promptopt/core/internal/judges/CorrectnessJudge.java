package dev.promptopt.core.internal.judges;

import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * "correctness": the output is correct given the example's expectations: every {@code expected_facts} entry is
 * supported and nothing contradicts {@code expected_response} (or the reference output) or other expectations.
 */
public final class CorrectnessJudge extends LlmJudge {
    public CorrectnessJudge(LanguageModel model) {
        super("correctness", model, VerdictParser.Kind.BINARY);
    }

    @Override
    public List<String> missingRequirements(Example example) {
        return example.expectations().isEmpty() && example.referenceOutput() == null
                ? List.of("expectations ('expected_facts' or 'expected_response') or a reference output for the correctness judge")
                : List.of();
    }

    @Override
    String prompt(Example example, String output) {
        StringBuilder expectations = new StringBuilder();
        for (Map.Entry<String, Object> e : example.expectations().entrySet()) {
            if (e.getKey().equals("guidelines")) {
                continue; // judged by the guidelines judge
            }
            if (e.getValue() instanceof Collection<?> list) {
                expectations.append("- ").append(e.getKey()).append(":\n");
                for (Object item : list) {
                    expectations.append("  - ").append(asText(item)).append('\n');
                }
            } else {
                expectations.append("- ").append(e.getKey()).append(": ").append(asText(e.getValue())).append('\n');
            }
        }
        if (example.outputs() != null && !example.expectations().containsKey("expected_response")) {
            expectations.append("- expected_response: ").append(asText(example.outputs())).append('\n');
        }
        return "Decide whether the OUTPUT is correct for the INPUTS according to the EXPECTATIONS. It is correct when it "
                + "states or clearly implies every expected fact, agrees with any expected response in substance, and "
                + "contradicts none of them. Style and length do not matter.\n\n"
                + section("INPUTS", inputsBlock(example))
                + section("EXPECTATIONS", expectations.toString().strip())
                + section("OUTPUT", output)
                + "Answer with JSON only: {\"rationale\": \"<one or two sentences: which expectations are met, which are "
                + "missing or contradicted>\", \"verdict\": \"yes\" or \"no\"}";
    }

    @Override
    String label(double value) {
        return value >= 0.5 ? "Correct" : "Incorrect";
    }
}
