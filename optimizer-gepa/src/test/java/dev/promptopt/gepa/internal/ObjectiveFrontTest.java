package dev.promptopt.gepa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Rng;
import dev.promptopt.gepa.Gepa;
import dev.promptopt.gepa.GepaOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fronts over objectives. Two scorers, A and B, on two validation examples; a candidate's score on an
 * example is the mean of A and B:
 * <pre>
 *            A(e1) A(e2) B(e1) B(e2)   score e1, e2   mean A  mean B
 *   seed       0     0     0     0       0,   0         0       0
 *   x          1     0     1     0       1,   0        .5      .5
 *   y          0     1     0     1       0,   1        .5      .5
 *   c          0     0    .6    .6      .3,  .3         0      .6
 * </pre>
 * c is best on no example and on no (example, scorer) cell, but it has the best mean on scorer B.
 */
class ObjectiveFrontTest {
    private static final int C = 3;

    private static GepaState state() {
        GepaState s = States.state();
        add(s, new double[] {0, 0}, new double[] {0, 0});
        add(s, new double[] {1, 0}, new double[] {1, 0});
        add(s, new double[] {0, 1}, new double[] {0, 1});
        add(s, new double[] {0, 0}, new double[] {0.6, 0.6});
        return s;
    }

    private static void add(GepaState s, double[] a, double[] b) {
        GepaState.Candidate c = States.add(s, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
        Map<String, Map<String, Double>> perExample = new LinkedHashMap<>();
        perExample.put("v1", Map.of("A", a[0], "B", b[0]));
        perExample.put("v2", Map.of("A", a[1], "B", b[1]));
        c.validationObjectiveScores = perExample;
        c.objectiveScores = Objectives.means(perExample);
    }

    private static Set<Integer> selectable(GepaState s, GepaOptions.Frontier type) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < s.candidates.size(); i++) {
            all.add(i);
        }
        return Pareto.frequencies(Pareto.fronts(s.candidates, all, type, s.validationIds),
                Pareto.aggregates(s.candidates)).keySet();
    }

    private static Set<Integer> drawn(GepaState s, GepaOptions.Frontier type) {
        GepaOptions options = Gepa.options().frontier(type);
        Rng rng = Rng.seeded(5);
        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            drawn.add(Pareto.select(GepaOptions.CandidateSelection.PARETO, s, options, rng));
        }
        return drawn;
    }

    @Test
    void aCandidateBestOnOneScorerButOnNoExampleSurvivesOnlyUnderObjectiveOrHybridFronts() {
        GepaState s = state();
        assertThat(selectable(s, GepaOptions.Frontier.INSTANCE)).containsExactly(1, 2);
        assertThat(selectable(s, GepaOptions.Frontier.CARTESIAN)).containsExactly(1, 2);
        assertThat(selectable(s, GepaOptions.Frontier.OBJECTIVE)).contains(C);
        assertThat(selectable(s, GepaOptions.Frontier.HYBRID)).contains(C).contains(1, 2);

        assertThat(drawn(s, GepaOptions.Frontier.INSTANCE)).doesNotContain(C);
        assertThat(drawn(s, GepaOptions.Frontier.CARTESIAN)).doesNotContain(C);
        assertThat(drawn(s, GepaOptions.Frontier.OBJECTIVE)).contains(C);
        assertThat(drawn(s, GepaOptions.Frontier.HYBRID)).contains(C, 1, 2);
    }

    @Test
    void theResultsFrontAcrossObjectivesKeepsEveryUndominatedCandidate() {
        List<dev.promptopt.gepa.GepaStats.FrontPoint> front = Objectives.front(state().candidates);
        assertThat(front).extracting(dev.promptopt.gepa.GepaStats.FrontPoint::candidate).containsExactly(1, 2, C);
        assertThat(front.get(2).objectives()).isEqualTo(Map.of("A", 0.0, "B", 0.6));
    }
}
