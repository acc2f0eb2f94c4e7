package dev.promptopt.gepa.internal;

import dev.promptopt.Rng;
import dev.promptopt.gepa.GepaOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Per-instance Pareto fronts over validation scores, dominance pruning and the candidate selection
 * strategies (paper Algorithm 2 and the reference's alternatives).
 */
public final class Pareto {
    private Pareto() {
    }

    /**
     * Per validation id, the candidates (among {@code among}) at the best score for that id, ascending.
     * Ids no candidate was scored on are left out.
     */
    public static Map<String, List<Integer>> fronts(List<GepaState.Candidate> candidates, Collection<Integer> among,
                                                    List<String> ids) {
        Map<String, List<Integer>> fronts = new LinkedHashMap<>();
        for (String id : ids) {
            double best = Double.NEGATIVE_INFINITY;
            List<Integer> at = new ArrayList<>();
            for (int c : new TreeSet<>(among)) {
                Double s = candidates.get(c).validationScores.get(id);
                if (s == null) {
                    continue;
                }
                if (s > best) {
                    best = s;
                    at.clear();
                    at.add(c);
                } else if (s == best) {
                    at.add(c);
                }
            }
            if (!at.isEmpty()) {
                fronts.put(id, List.copyOf(at));
            }
        }
        return fronts;
    }

    /**
     * The fronts of a frontier type (the reference's {@code frontier_type}): per validation id (instance),
     * per objective over its validation mean (objective), both (hybrid), or per (validation id, objective)
     * pair (cartesian). Keys are prefixed by kind so the hybrid's two families never collide.
     */
    public static Map<String, List<Integer>> fronts(List<GepaState.Candidate> candidates, Collection<Integer> among,
                                                    GepaOptions.Frontier type, List<String> ids) {
        if (type == GepaOptions.Frontier.INSTANCE) {
            return fronts(candidates, among, ids);
        }
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        if (type == GepaOptions.Frontier.HYBRID) {
            fronts(candidates, among, ids).forEach((k, v) -> out.put("instance:" + k, v));
        }
        if (type == GepaOptions.Frontier.OBJECTIVE || type == GepaOptions.Frontier.HYBRID) {
            out.putAll(bestPerKey(candidates, among, c -> prefixed("objective:", c.objectiveScores)));
        }
        if (type == GepaOptions.Frontier.CARTESIAN) {
            out.putAll(bestPerKey(candidates, among, c -> {
                Map<String, Double> m = new LinkedHashMap<>();
                c.validationObjectiveScores.forEach((id, objectives) ->
                        objectives.forEach((o, v) -> m.put("cell:" + id + "|" + o, v)));
                return m;
            }));
        }
        return out;
    }

    private static Map<String, Double> prefixed(String prefix, Map<String, Double> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    /** Per key, the candidates at the best value (keys in first-seen order, candidates ascending). */
    private static Map<String, List<Integer>> bestPerKey(List<GepaState.Candidate> candidates, Collection<Integer> among,
                                                         java.util.function.Function<GepaState.Candidate, Map<String, Double>> values) {
        Map<String, Double> best = new LinkedHashMap<>();
        Map<String, List<Integer>> at = new LinkedHashMap<>();
        for (int c : new TreeSet<>(among)) {
            for (Map.Entry<String, Double> e : values.apply(candidates.get(c)).entrySet()) {
                Double b = best.get(e.getKey());
                if (b == null || e.getValue() > b) {
                    best.put(e.getKey(), e.getValue());
                    at.put(e.getKey(), new ArrayList<>(List.of(c)));
                } else if (e.getValue().doubleValue() == b) {
                    at.get(e.getKey()).add(c);
                }
            }
        }
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        at.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /**
     * The candidates to drop: lowest aggregate first, a candidate is dominated when every front it is on
     * also holds another candidate that is still kept. Repeats until nothing changes.
     */
    public static Set<Integer> dominated(Map<String, List<Integer>> fronts, double[] aggregate) {
        Set<Integer> onFront = new TreeSet<>();
        fronts.values().forEach(onFront::addAll);
        List<Integer> order = new ArrayList<>(onFront);
        order.sort(Comparator.<Integer>comparingDouble(c -> aggregate[c]).thenComparingInt(c -> c));
        Set<Integer> dominated = new TreeSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int y : order) {
                if (!dominated.contains(y) && isDominated(y, fronts, dominated)) {
                    dominated.add(y);
                    changed = true;
                    break;
                }
            }
        }
        return dominated;
    }

    private static boolean isDominated(int y, Map<String, List<Integer>> fronts, Set<Integer> dominated) {
        for (List<Integer> front : fronts.values()) {
            if (!front.contains(y)) {
                continue;
            }
            boolean covered = false;
            for (int x : front) {
                if (x != y && !dominated.contains(x)) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                return false;
            }
        }
        return true;
    }

    /** Candidate -> number of fronts it is on after pruning, ascending by candidate. */
    public static TreeMap<Integer, Integer> frequencies(Map<String, List<Integer>> fronts, double[] aggregate) {
        Set<Integer> dominated = dominated(fronts, aggregate);
        TreeMap<Integer, Integer> freq = new TreeMap<>();
        for (List<Integer> front : fronts.values()) {
            for (int c : front) {
                if (!dominated.contains(c)) {
                    freq.merge(c, 1, Integer::sum);
                }
            }
        }
        return freq;
    }

    /** Draws a candidate with probability freq[c] / sum(freq). */
    public static int sample(TreeMap<Integer, Integer> freq, Rng rng) {
        int total = 0;
        for (int f : freq.values()) {
            total += f;
        }
        if (total <= 0) {
            // Only reachable when no candidate has a usable score on any validation example.
            throw new IllegalStateException("no candidate is on a Pareto front: no validation example has a score"
                    + " (all failed, or the aggregation gave no number); frequencies " + freq);
        }
        int r = rng.nextInt(total);
        for (Map.Entry<Integer, Integer> e : freq.entrySet()) {
            r -= e.getValue();
            if (r < 0) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("unreachable: sampling past the total frequency " + total);
    }

    public static double[] aggregates(List<GepaState.Candidate> candidates) {
        double[] agg = new double[candidates.size()];
        for (int i = 0; i < agg.length; i++) {
            agg[i] = candidates.get(i).score;
        }
        return agg;
    }

    /** The best candidate: highest mean validation score; ties go to the one on more fronts, then the older. */
    public static int best(GepaState state) {
        List<GepaState.Candidate> cs = state.candidates;
        Map<Integer, Integer> coverage = new TreeMap<>();
        for (List<Integer> front : state.bestCandidatesByInstance.values()) {
            for (int c : front) {
                coverage.merge(c, 1, Integer::sum);
            }
        }
        int best = 0;
        for (int i = 1; i < cs.size(); i++) {
            double d = cs.get(i).score - cs.get(best).score;
            // with the prompt-length or cost objective, of two equal scores the shorter (then cheaper) is the better
            for (int k = 0; d == 0 && k < Objectives.LOWER_IS_BETTER.size(); k++) {
                Double li = cs.get(i).objectiveScores.get(Objectives.LOWER_IS_BETTER.get(k));
                Double lb = cs.get(best).objectiveScores.get(Objectives.LOWER_IS_BETTER.get(k));
                if (li != null && lb != null && !li.equals(lb)) {
                    d = li - lb;
                }
            }
            if (d > 0 || (d == 0 && coverage.getOrDefault(i, 0) > coverage.getOrDefault(best, 0))) {
                best = i;
            }
        }
        return best;
    }

    /** The parent of the next proposal, by the configured strategy. */
    public static int select(GepaOptions.CandidateSelection strategy, GepaState state, GepaOptions options, Rng rng) {
        List<GepaState.Candidate> cs = state.candidates;
        double[] agg = aggregates(cs);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            all.add(i);
        }
        switch (strategy) {
            case CURRENT_BEST:
                return best(state);
            case EPSILON_GREEDY:
                if (rng.nextDouble() < options.epsilon()) {
                    return rng.nextInt(cs.size());
                }
                return best(state);
            case TOP_K_PARETO: {
                List<Integer> top = new ArrayList<>(all);
                top.sort(Comparator.<Integer>comparingDouble(c -> -agg[c]).thenComparingInt(c -> c));
                top = top.subList(0, Math.min(options.topK(), top.size()));
                return sample(frequencies(fronts(cs, top, options.frontier(), state.validationIds), agg), rng);
            }
            case PARETO:
            default:
                return sample(frequencies(fronts(cs, all, options.frontier(), state.validationIds), agg), rng);
        }
    }
}
