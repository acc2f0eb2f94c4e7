package dev.promptopt.core.internal.judges;

import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import java.util.List;

/** "equivalence": the output is equivalent to the example's reference output (binary). */
public final class EquivalenceJudge extends LlmJudge {
    public EquivalenceJudge(LanguageModel model) {
        super("equivalence", model, VerdictParser.Kind.BINARY);
    }

    @Override
    public List<String> missingRequirements(Example example) {
        return example.referenceOutput() == null
                ? List.of("a reference output ('outputs' or the 'expected_response' expectation) for the equivalence judge")
                : List.of();
    }

    @Override
    String prompt(Example example, String output) {
        return "Decide whether the OUTPUT is equivalent to the REFERENCE for the given INPUTS: it must give the same "
                + "answer and meaning. Differences in wording, casing, whitespace, formatting or politeness do not matter; "
                + "any difference in facts, labels, numbers, entities or conclusions does, and so do missing or extra claims "
                + "that change the answer.\n\n"
                + section("INPUTS", inputsBlock(example))
                + section("REFERENCE", asText(example.referenceOutput()))
                + section("OUTPUT", output)
                + "Answer with JSON only: {\"rationale\": \"<one or two sentences naming what matches and what differs>\", "
                + "\"verdict\": \"yes\" or \"no\"}";
    }

    @Override
    String label(double value) {
        return value >= 0.5 ? "Equivalent" : "Not equivalent";
    }
}
