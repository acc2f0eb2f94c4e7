package dev.promptopt.gepa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.promptopt.Rng;
import dev.promptopt.gepa.Gepa;
import dev.promptopt.gepa.GepaOptions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ParetoTest {
    /*
     *        v1 v2 v3 v4  mean
     *   c0    0  0  0  0  0
     *   c1    1  0  0  1  .5
     *   c2    1  1  0  0  .5
     *   c3    0  1  1  0  .5
     *   c4    1  1  0  1  .75
     * fronts: v1 {1,2,4}  v2 {2,3,4}  v3 {3}  v4 {1,4}
     * pruning, lowest mean first: c1 (covered by c4 on v1 and v4), then c2 (c4 on v1, c3 on v2);
     * c3 alone on v3 and c4 alone on v1 stay. freq: c3 = 2 (v2, v3), c4 = 3 (v1, v2, v4).
     */
    private static GepaState fiveCandidates() {
        GepaState s = States.state();
        States.add(s, 0, 0, 0, 0);
        States.add(s, 1, 0, 0, 1);
        States.add(s, 1, 1, 0, 0);
        States.add(s, 0, 1, 1, 0);
        States.add(s, 1, 1, 0, 1);
        return s;
    }

    @Test
    void frontsHoldTheCandidatesAtEachInstancesBestScore() {
        GepaState s = fiveCandidates();
        assertThat(s.bestCandidatesByInstance).containsExactly(
                Map.entry("v1", List.of(1, 2, 4)), Map.entry("v2", List.of(2, 3, 4)),
                Map.entry("v3", List.of(3)), Map.entry("v4", List.of(1, 4)));
    }

    @Test
    void dominatedCandidatesArePrunedLowestAggregateFirst() {
        GepaState s = fiveCandidates();
        assertThat(Pareto.dominated(s.bestCandidatesByInstance, Pareto.aggregates(s.candidates))).containsExactly(1, 2);
        assertThat(Pareto.frequencies(s.bestCandidatesByInstance, Pareto.aggregates(s.candidates)))
                .containsExactly(Map.entry(3, 2), Map.entry(4, 3));
    }

    @Test
    void ofTwoIdenticalCandidatesOneStays() {
        GepaState s = States.state();
        States.add(s, 1, 0);
        States.add(s, 1, 0);
        States.add(s, 0, 1);
        assertThat(Pareto.frequencies(s.bestCandidatesByInstance, Pareto.aggregates(s.candidates)))
                .containsExactly(Map.entry(1, 1), Map.entry(2, 1));
    }

    @Test
    void paretoSamplingFollowsTheFrequencies() {
        GepaState s = fiveCandidates();
        Rng rng = Rng.seeded(1);
        int[] counts = new int[5];
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            counts[Pareto.select(GepaOptions.CandidateSelection.PARETO, s, Gepa.options(), rng)]++;
        }
        assertThat(counts[0] + counts[1] + counts[2]).isZero();
        assertThat(counts[3] / (double) n).isCloseTo(0.4, within(0.015));
        assertThat(counts[4] / (double) n).isCloseTo(0.6, within(0.015));
    }

    @Test
    void theSameSeedDrawsTheSameParents() {
        GepaState s = fiveCandidates();
        Rng a = Rng.seeded(5);
        Rng b = Rng.seeded(5);
        for (int i = 0; i < 100; i++) {
            assertThat(Pareto.select(GepaOptions.CandidateSelection.PARETO, s, Gepa.options(), a))
                    .isEqualTo(Pareto.select(GepaOptions.CandidateSelection.PARETO, s, Gepa.options(), b));
        }
    }

    @Test
    void currentBestEpsilonGreedyAndTopK() {
        GepaState s = fiveCandidates();
        Rng rng = Rng.seeded(3);
        assertThat(Pareto.select(GepaOptions.CandidateSelection.CURRENT_BEST, s, Gepa.options(), rng)).isEqualTo(4);

        int n = 20_000;
        int best = 0;
        for (int i = 0; i < n; i++) {
            if (Pareto.select(GepaOptions.CandidateSelection.EPSILON_GREEDY, s, Gepa.options(), rng) == 4) {
                best++;
            }
        }
        // 0.9 exploit + 0.1 * 1/5 explore
        assertThat(best / (double) n).isCloseTo(0.92, within(0.01));

        // top 2 by mean: c4 and c1 (older of the 0.5s); among them c4 covers every front c1 is on
        for (int i = 0; i < 100; i++) {
            assertThat(Pareto.select(GepaOptions.CandidateSelection.TOP_K_PARETO, s, Gepa.options().topK(2), rng)).isEqualTo(4);
        }
        Map<Integer, Integer> seen = new TreeMap<>();
        for (int i = 0; i < 2000; i++) {
            seen.merge(Pareto.select(GepaOptions.CandidateSelection.TOP_K_PARETO, s, Gepa.options().topK(4), rng), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys(3, 4);
    }

    @Test
    void bestIsTheHighestMeanThenTheOneOnMoreFrontsThenTheOlder() {
        GepaState s = States.state();
        States.add(s, .5, .5, .5, .5); // mean .5, on no front
        States.add(s, 1, 1, 0, 0);     // mean .5, on 2 fronts
        States.add(s, 0, 0, 1, 1);     // mean .5, on 2 fronts, younger
        assertThat(Pareto.best(s)).isEqualTo(1);
        States.add(s, 1, 1, 1, 0);
        assertThat(Pareto.best(s)).isEqualTo(3);
    }
}
