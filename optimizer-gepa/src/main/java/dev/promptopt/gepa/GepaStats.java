package dev.promptopt.gepa;

import dev.promptopt.OptimizerStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a GEPA run reports about itself, in the result ({@link dev.promptopt.OptimizationResult#optimizerStats(Class)})
 * and in {@code result.json}.
 *
 * <pre>{@code
 * GepaStats s = result.optimizerStats(GepaStats.class).orElseThrow();
 * log.info("{} iterations, {} proposals accepted, rejections {}", s.iterations(), s.proposalsAccepted(), s.rejectionReasons());
 * }</pre>
 *
 * @param iterations                proposal iterations started
 * @param fullValidations           candidates scored on the whole validation set
 * @param proposalsAccepted         proposals kept as candidates
 * @param proposalsRejected         proposals given up (see {@code rejectionReasons})
 * @param rejectionReasons          reason -> how many proposals it stopped
 * @param skippedPerfectMinibatches iterations skipped because the minibatch was already perfect
 * @param mergesAttempted           merge proposals tried
 * @param mergesAccepted            merge proposals kept
 * @param proposalsDropped          parallel proposals dropped as stale: an earlier proposal, folded first, moved their parent off the front
 *                                  (0 without parallel proposals)
 * @param hedgedReflections         extra reflection requests sent by hedging ({@link GepaOptions#reflectionHedging(double)};
 *                                  0 when it is off)
 * @param metricCalls               metric calls spent by the run when GEPA returned
 * @param unvalidatedCandidates     proposals accepted on their minibatch that the budget left unvalidated
 * @param randomSeed                the RNG seed the run used
 * @param paretoFront               validation example id -> the candidates best on it
 * @param objectiveFront            the candidates no other beats on every objective (empty when only the score
 *                                  counts and the frontier is per example)
 * @param parallelProposals         proposals evaluated together per round (1: sequential)
 * @param options                   the options in force, as written to result.json (secrets redacted)
 */
public record GepaStats(int iterations, int fullValidations, int proposalsAccepted, int proposalsRejected,
                        Map<String, Integer> rejectionReasons, int skippedPerfectMinibatches, int mergesAttempted,
                        int mergesAccepted, int proposalsDropped, int hedgedReflections, long metricCalls,
                        List<UnvalidatedCandidate> unvalidatedCandidates, long randomSeed,
                        Map<String, List<Integer>> paretoFront, List<FrontPoint> objectiveFront, int parallelProposals,
                        Map<String, Object> options) implements OptimizerStats {
    /**
     * A proposal accepted on its minibatch but never scored on the validation set (the budget ran out first).
     *
     * @param iteration            the iteration that proposed it
     * @param parents              the candidates it came from
     * @param parentMinibatchScore the parent's minibatch score; null for a merge (no single parent score)
     * @param minibatchScore       its own minibatch score
     * @param templates            prompt name -> its optimizable text
     * @param reason               why it was not validated
     */
    public record UnvalidatedCandidate(int iteration, List<Integer> parents, Double parentMinibatchScore,
                                       double minibatchScore, Map<String, String> templates, String reason) {
        public UnvalidatedCandidate {
            parents = List.copyOf(parents);
            templates = Collections.unmodifiableMap(new TreeMap<>(templates));
        }
    }

    /**
     * A candidate on the objective front.
     *
     * @param candidate  its index in the result's candidates
     * @param score      its aggregate validation score
     * @param objectives objective name -> its value, in the objective's own unit (prompt tokens, dollars per
     *                   example, a scorer's mean)
     */
    public record FrontPoint(int candidate, double score, Map<String, Double> objectives) {
        public FrontPoint {
            objectives = Collections.unmodifiableMap(new TreeMap<>(objectives));
        }
    }

    public GepaStats {
        rejectionReasons = Collections.unmodifiableMap(new TreeMap<>(rejectionReasons));
        unvalidatedCandidates = List.copyOf(unvalidatedCandidates);
        Map<String, List<Integer>> front = new LinkedHashMap<>();
        paretoFront.forEach((k, v) -> front.put(k, List.copyOf(v)));
        paretoFront = Collections.unmodifiableMap(front);
        objectiveFront = List.copyOf(objectiveFront);
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }
}
