package dev.promptopt.gepa.internal;

import dev.promptopt.PromptTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Hand-built states for unit tests. */
final class States {
    private States() {
    }

    /** A state whose candidates have the given validation scores on ids v1..vn, parents and prompt texts. */
    static GepaState state() {
        return new GepaState();
    }

    static GepaState.Candidate add(GepaState s, double[] scores, List<Integer> parents, Map<String, String> texts) {
        if (s.validationIds.isEmpty()) {
            for (int i = 0; i < scores.length; i++) {
                s.validationIds.add("v" + (i + 1));
            }
        }
        GepaState.Candidate c = new GepaState.Candidate();
        Map<String, Double> byId = new LinkedHashMap<>();
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            byId.put("v" + (i + 1), scores[i]);
            sum += scores[i];
        }
        c.validationScores = byId;
        c.score = sum / scores.length;
        c.parents = new ArrayList<>(parents);
        c.origin = parents.isEmpty() ? "seed" : "reflection";
        c.templates = new TreeMap<>();
        texts.forEach((k, v) -> c.templates.put(k, GepaState.TemplateData.of(PromptTemplate.text(v))));
        s.candidates.add(c);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < s.candidates.size(); i++) {
            all.add(i);
        }
        s.bestCandidatesByInstance = new LinkedHashMap<>(Pareto.fronts(s.candidates, all, s.validationIds));
        return c;
    }

    static GepaState.Candidate add(GepaState s, double... scores) {
        return add(s, scores, List.of(), Map.of("p", "text " + s.candidates.size()));
    }
}
