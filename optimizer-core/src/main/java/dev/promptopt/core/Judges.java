package dev.promptopt.core;

import dev.promptopt.LanguageModel;
import dev.promptopt.Scorer;
import dev.promptopt.core.internal.judges.CorrectnessJudge;
import dev.promptopt.core.internal.judges.EquivalenceJudge;
import dev.promptopt.core.internal.judges.GuidelinesJudge;
import dev.promptopt.core.internal.judges.SemanticSimilarityJudge;
import java.util.List;
import java.util.Objects;

/**
 * LLM judges: scorers that ask a model for a verdict and keep its rationale as feedback (what prompt
 * reflection learns from). Each reads the judge's answer tolerantly (JSON, fenced JSON, or text such as
 * {@code Verdict: yes} / {@code score: 7/10}); an unreadable answer scores 0 and says so in the rationale.
 * Each reports, before a run, the examples that lack what it needs (a reference output, expectations).
 *
 * <pre>{@code
 * LanguageModel judge = Models.resolve("openai:/gpt-4o-mini");
 * PromptOptimizer.builder()
 *     .scorers(Judges.equivalence(judge), Judges.guidelines(judge, List.of("Answer in one word.")))
 *     ...
 * }</pre>
 *
 * <table>
 *   <caption>Judges</caption>
 *   <tr><th>factory</th><th>name</th><th>value</th><th>needs</th></tr>
 *   <tr><td>equivalence</td><td>equivalence</td><td>1 equivalent / 0 not</td><td>reference output</td></tr>
 *   <tr><td>correctness</td><td>correctness</td><td>1 correct / 0 not</td><td>expectations (expected_facts, expected_response) or a reference</td></tr>
 *   <tr><td>guidelines</td><td>guidelines</td><td>1 all followed / 0 not</td><td>rules, given or in the 'guidelines' expectation</td></tr>
 *   <tr><td>semanticSimilarity10</td><td>Sem_Sim_10</td><td>(rating 1-10 - 1) / 9</td><td>reference output</td></tr>
 *   <tr><td>semanticSimilarityBinary</td><td>Sem_Sim_1</td><td>1 similar / 0 not</td><td>reference output</td></tr>
 * </table>
 */
public final class Judges {
    private Judges() {
    }

    /** "equivalence": the output is equivalent to the reference output. */
    public static Scorer equivalence(LanguageModel judge) {
        return new EquivalenceJudge(Objects.requireNonNull(judge, "judge"));
    }

    /** "correctness": the output meets the example's expectations. */
    public static Scorer correctness(LanguageModel judge) {
        return new CorrectnessJudge(Objects.requireNonNull(judge, "judge"));
    }

    /** "guidelines": the output follows every rule (plus the example's own 'guidelines' expectation). */
    public static Scorer guidelines(LanguageModel judge, List<String> guidelines) {
        Objects.requireNonNull(guidelines, "guidelines");
        for (String g : guidelines) {
            if (g == null || g.isBlank()) {
                throw new dev.promptopt.InvalidInputException("guidelines must not contain blank rules, found " + guidelines);
            }
        }
        return new GuidelinesJudge(Objects.requireNonNull(judge, "judge"), guidelines);
    }

    /** "Sem_Sim_10": semantic similarity to the reference on SAP's 1-10 scale, normalized to [0, 1]. */
    public static Scorer semanticSimilarity10(LanguageModel judge) {
        return SemanticSimilarityJudge.tenPoint(Objects.requireNonNull(judge, "judge"));
    }

    /** "Sem_Sim_1": semantic similarity to the reference, binary. */
    public static Scorer semanticSimilarityBinary(LanguageModel judge) {
        return SemanticSimilarityJudge.binary(Objects.requireNonNull(judge, "judge"));
    }
}
