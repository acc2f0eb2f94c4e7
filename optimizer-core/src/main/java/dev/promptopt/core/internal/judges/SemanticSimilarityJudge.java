package dev.promptopt.core.internal.judges;

import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import java.util.List;

/**
 * Semantic similarity to the reference output on SAP AI Core's scales: {@code Sem_Sim_10} (a 1-10 rating,
 * normalized to [0, 1] as (rating - 1) / 9) and {@code Sem_Sim_1} (binary: similar or not).
 */
public final class SemanticSimilarityJudge extends LlmJudge {
    private final boolean tenPoint;

    private SemanticSimilarityJudge(LanguageModel model, boolean tenPoint) {
        super(tenPoint ? "Sem_Sim_10" : "Sem_Sim_1", model, tenPoint ? VerdictParser.Kind.SCALE_1_10 : VerdictParser.Kind.BINARY);
        this.tenPoint = tenPoint;
    }

    public static SemanticSimilarityJudge tenPoint(LanguageModel model) {
        return new SemanticSimilarityJudge(model, true);
    }

    public static SemanticSimilarityJudge binary(LanguageModel model) {
        return new SemanticSimilarityJudge(model, false);
    }

    @Override
    public List<String> missingRequirements(Example example) {
        return example.referenceOutput() == null
                ? List.of("a reference output ('outputs' or the 'expected_response' expectation) for the " + name() + " judge")
                : List.of();
    }

    @Override
    String prompt(Example example, String output) {
        String task = tenPoint
                ? "Rate how semantically similar the OUTPUT is to the REFERENCE, on a scale from 1 to 10: 10 = same meaning "
                        + "(wording may differ), 7 = same main point with minor omissions or additions, 4 = partly overlapping, "
                        + "1 = unrelated or contradictory."
                : "Decide whether the OUTPUT is semantically similar to the REFERENCE: it expresses the same meaning, "
                        + "though the wording may differ.";
        String answer = tenPoint
                ? "Answer with JSON only: {\"rationale\": \"<one or two sentences on what is shared and what differs>\", \"score\": <integer 1-10>}"
                : "Answer with JSON only: {\"rationale\": \"<one or two sentences on what is shared and what differs>\", \"verdict\": \"yes\" or \"no\"}";
        return task + "\n\n"
                + section("INPUTS", inputsBlock(example))
                + section("REFERENCE", asText(example.referenceOutput()))
                + section("OUTPUT", output)
                + answer;
    }

    @Override
    String label(double value) {
        if (tenPoint) {
            long rating = Math.round(value * 9 + 1);
            return "Similarity " + rating + "/10";
        }
        return value >= 0.5 ? "Similar" : "Not similar";
    }
}
