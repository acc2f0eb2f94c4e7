package dev.promptopt;

import java.util.List;
import java.util.Map;

/**
 * One candidate an optimizer kept, with its lineage and validation scores.
 *
 * <pre>{@code
 * result.candidates().forEach(c -> System.out.println(c.index() + " <- " + c.parents() + " " + c.score()));
 * }</pre>
 *
 * @param index             0 is the seed
 * @param templates         the candidate's templates
 * @param parents           indices of the parents: none for the seed, one for a mutation, two for a merge
 * @param origin            how it was made: {@code seed}, {@code reflection}, {@code merge}, or an optimizer's own word
 * @param score             mean validation score
 * @param validationScores  example id -> score on the validation set
 * @param foundAtMetricCall metric calls spent when it was found
 */
public record CandidateRecord(int index, PromptSet templates, List<Integer> parents, String origin, double score,
                              Map<String, Double> validationScores, long foundAtMetricCall) {
    public CandidateRecord {
        parents = List.copyOf(parents);
        validationScores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(validationScores));
    }
}
