package dev.promptopt.gepa.internal;

import dev.promptopt.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * System-aware crossover: two non-dominated candidates that improved different prompts since a common
 * ancestor are combined, each prompt taken from the parent that changed it.
 */
public final class Merge {
    static final int MAX_ATTEMPTS = 10;
    public static final int SUBSAMPLE_SIZE = 5;

    private Merge() {
    }

    /** A merge to try: the parents, their common ancestor and the combined templates. */
    public record Proposal(int first, int second, int ancestor, Map<String, GepaState.TemplateData> merged) {
    }

    /**
     * A merge to try, or null when none qualifies. Records the triple and the merge description in the
     * state, so the same merge is not tried twice.
     */
    public static Proposal propose(GepaState state, Rng rng) {
        List<GepaState.Candidate> cs = state.candidates;
        if (cs.size() < 3) {
            return null;
        }
        double[] agg = Pareto.aggregates(cs);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            all.add(i);
        }
        Map<String, List<Integer>> fronts = Pareto.fronts(cs, all, state.validationIds);
        Set<Integer> pool = new TreeSet<>();
        fronts.values().forEach(pool::addAll);
        pool.removeAll(Pareto.dominated(fronts, agg));
        List<Integer> mergeCandidates = new ArrayList<>(pool);
        if (mergeCandidates.size() < 2) {
            return null;
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int[] triple = findCommonAncestorPair(state, mergeCandidates, agg, rng);
            if (triple == null) {
                continue;
            }
            int i = triple[0];
            int j = triple[1];
            int anc = triple[2];
            Map<String, GepaState.TemplateData> merged = new TreeMap<>();
            List<Integer> description = new ArrayList<>(List.of(i, j));
            for (String name : cs.get(anc).templates.keySet()) {
                GepaState.TemplateData a = cs.get(anc).templates.get(name);
                GepaState.TemplateData t1 = cs.get(i).templates.get(name);
                GepaState.TemplateData t2 = cs.get(j).templates.get(name);
                int source;
                if ((same(a, t1) || same(a, t2)) && !same(t1, t2)) {
                    source = same(a, t1) ? j : i;
                } else if (!same(a, t1) && !same(a, t2)) {
                    source = agg[i] > agg[j] ? i : agg[j] > agg[i] ? j : (rng.nextInt(2) == 0 ? i : j);
                } else {
                    source = i; // both parents kept the ancestor's text
                }
                merged.put(name, cs.get(source).templates.get(name));
                description.add(source);
            }
            if (state.mergedDescriptions.contains(description) || isExisting(cs, merged)) {
                continue;
            }
            state.mergedDescriptions.add(description);
            state.mergedTriples.add(List.of(i, j, anc));
            return new Proposal(i, j, anc, merged);
        }
        return null;
    }

    static int[] findCommonAncestorPair(GepaState state, List<Integer> mergeCandidates, double[] agg, Rng rng) {
        List<GepaState.Candidate> cs = state.candidates;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int a = mergeCandidates.get(rng.nextInt(mergeCandidates.size()));
            int b = mergeCandidates.get(rng.nextInt(mergeCandidates.size()));
            if (a == b) {
                continue;
            }
            int i = Math.min(a, b);
            int j = Math.max(a, b);
            Set<Integer> ai = ancestors(cs, i);
            Set<Integer> aj = ancestors(cs, j);
            if (ai.contains(j) || aj.contains(i)) {
                continue;
            }
            List<Integer> common = new ArrayList<>();
            for (int anc : ai) {
                if (aj.contains(anc) && !state.mergedTriples.contains(List.of(i, j, anc))
                        && agg[anc] <= agg[i] && agg[anc] <= agg[j] && hasDesirableComponent(cs, anc, i, j)) {
                    common.add(anc);
                }
            }
            if (!common.isEmpty()) {
                return new int[] {i, j, weightedChoice(common, agg, rng)};
            }
        }
        return null;
    }

    /** Some prompt the ancestor shares with one parent while the parents differ: there is something to combine. */
    static boolean hasDesirableComponent(List<GepaState.Candidate> cs, int anc, int i, int j) {
        for (String name : cs.get(anc).templates.keySet()) {
            GepaState.TemplateData a = cs.get(anc).templates.get(name);
            GepaState.TemplateData t1 = cs.get(i).templates.get(name);
            GepaState.TemplateData t2 = cs.get(j).templates.get(name);
            if ((same(a, t1) || same(a, t2)) && !same(t1, t2)) {
                return true;
            }
        }
        return false;
    }

    /** Every ancestor of a candidate (not itself), ascending. */
    public static Set<Integer> ancestors(List<GepaState.Candidate> cs, int c) {
        Set<Integer> found = new TreeSet<>();
        List<Integer> todo = new ArrayList<>(cs.get(c).parents);
        while (!todo.isEmpty()) {
            int p = todo.remove(todo.size() - 1);
            if (found.add(p)) {
                todo.addAll(cs.get(p).parents);
            }
        }
        return found;
    }

    private static int weightedChoice(List<Integer> options, double[] agg, Rng rng) {
        double total = 0;
        for (int o : options) {
            total += Math.max(0, agg[o]);
        }
        if (total <= 0) {
            return options.get(rng.nextInt(options.size()));
        }
        double r = rng.nextDouble() * total;
        for (int o : options) {
            r -= Math.max(0, agg[o]);
            if (r < 0) {
                return o;
            }
        }
        return options.get(options.size() - 1);
    }

    /**
     * Up to {@link #SUBSAMPLE_SIZE} validation ids, stratified across where the first parent wins, where the
     * second wins, and ties, so the merged candidate is tested where each parent is strong.
     */
    public static List<String> subsample(Map<String, Double> first, Map<String, Double> second, List<String> ids, Rng rng) {
        List<String> common = new ArrayList<>();
        for (String id : ids) {
            if (first.containsKey(id) && second.containsKey(id)) {
                common.add(id);
            }
        }
        List<String> p1 = new ArrayList<>();
        List<String> p2 = new ArrayList<>();
        List<String> ties = new ArrayList<>();
        for (String id : common) {
            int cmp = Double.compare(first.get(id), second.get(id));
            (cmp > 0 ? p1 : cmp < 0 ? p2 : ties).add(id);
        }
        int n = Math.min(SUBSAMPLE_SIZE, common.size());
        int perBucket = Math.max(1, (int) Math.ceil(n / 3.0));
        List<String> selected = new ArrayList<>();
        for (List<String> bucket : List.of(p1, p2, ties)) {
            int take = Math.min(Math.min(bucket.size(), perBucket), n - selected.size());
            selected.addAll(sample(bucket, take, rng));
        }
        if (selected.size() < n) {
            List<String> unused = new ArrayList<>(common);
            unused.removeAll(selected);
            selected.addAll(sample(unused, n - selected.size(), rng));
        }
        return selected;
    }

    private static List<String> sample(List<String> from, int k, Rng rng) {
        List<String> copy = new ArrayList<>(from);
        List<String> out = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            out.add(copy.remove(rng.nextInt(copy.size())));
        }
        return out;
    }

    private static boolean isExisting(List<GepaState.Candidate> cs, Map<String, GepaState.TemplateData> merged) {
        for (GepaState.Candidate c : cs) {
            if (sameTemplates(c.templates, merged)) {
                return true;
            }
        }
        return false;
    }

    /** A short, stable identity of a candidate's templates (SHA-256 of their text, 16 hex digits). */
    public static String fingerprint(Map<String, GepaState.TemplateData> templates) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(templates).forEach((name, t) -> {
            sb.append(name).append('\u0000').append(t.kind).append('\u0000');
            if (t.messages != null) {
                t.messages.forEach(m -> sb.append(m.role).append('\u0001').append(m.content).append('\u0002'));
            } else {
                sb.append(t.text);
            }
            sb.append('\u0003');
        });
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this runtime", e);
        }
    }

    static boolean sameTemplates(Map<String, GepaState.TemplateData> a, Map<String, GepaState.TemplateData> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            if (!same(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }

    static boolean same(GepaState.TemplateData a, GepaState.TemplateData b) {
        return Objects.equals(a.toTemplate(), b.toTemplate());
    }
}
