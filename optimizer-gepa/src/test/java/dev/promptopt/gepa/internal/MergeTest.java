package dev.promptopt.gepa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeTest {
    private static Map<String, String> texts(String a, String b) {
        return Map.of("a", a, "b", b);
    }

    private static Map<String, String> mergedTexts(Merge.Proposal p) {
        Map<String, String> m = new LinkedHashMap<>();
        p.merged().forEach((k, v) -> m.put(k, v.text));
        return m;
    }

    @Test
    void siblingsThatChangedDifferentPromptsAreMergedPromptByPrompt() {
        GepaState s = States.state();
        States.add(s, new double[] {0, 0}, List.of(), texts("a0", "b0"));
        States.add(s, new double[] {1, 0}, List.of(0), texts("a1", "b0"));
        States.add(s, new double[] {0, 1}, List.of(0), texts("a0", "b1"));

        Merge.Proposal p = Merge.propose(s, Rng.seeded(1));

        assertThat(p).isNotNull();
        assertThat(List.of(p.first(), p.second(), p.ancestor())).containsExactly(1, 2, 0);
        assertThat(mergedTexts(p)).containsExactlyInAnyOrderEntriesOf(texts("a1", "b1"));
        assertThat(s.mergedTriples).containsExactly(List.of(1, 2, 0));
        // the same merge is not proposed twice
        assertThat(Merge.propose(s, Rng.seeded(1))).isNull();
    }

    @Test
    void wherebothParentsChangedAPromptTheBetterParentsTextIsTaken() {
        GepaState s = States.state();
        States.add(s, new double[] {0, 0, 0}, List.of(), texts("a0", "b0"));
        States.add(s, new double[] {1, 1, 0}, List.of(0), texts("a1", "b0"));   // mean .67
        States.add(s, new double[] {0, 0, 1}, List.of(0), texts("a2", "b2"));   // mean .33

        Merge.Proposal p = Merge.propose(s, Rng.seeded(2));

        assertThat(p).isNotNull();
        assertThat(mergedTexts(p)).containsExactlyInAnyOrderEntriesOf(texts("a1", "b2"));
    }

    @Test
    void noMergeBetweenACandidateAndItsDescendant() {
        GepaState s = States.state();
        States.add(s, new double[] {0, 0}, List.of(), texts("a0", "b0"));
        States.add(s, new double[] {1, 0}, List.of(0), texts("a1", "b0"));
        States.add(s, new double[] {0, 1}, List.of(1), texts("a1", "b1"));
        assertThat(Merge.ancestors(s.candidates, 2)).containsExactly(0, 1);
        assertThat(Merge.propose(s, Rng.seeded(3))).isNull();
    }

    @Test
    void noMergeWhenTheCommonAncestorScoresAboveAParent() {
        GepaState s = States.state();
        States.add(s, new double[] {.9, .9, .9}, List.of(), texts("a0", "b0"));
        States.add(s, new double[] {1, 0, 0}, List.of(0), texts("a1", "b0"));
        States.add(s, new double[] {0, 1, 0}, List.of(0), texts("a0", "b1"));
        assertThat(Merge.propose(s, Rng.seeded(4))).isNull();
    }

    @Test
    void noMergeThatWouldRebuildAnExistingCandidate() {
        GepaState s = States.state();
        States.add(s, new double[] {0, 0, 0}, List.of(), texts("a0", "b0"));
        States.add(s, new double[] {1, 0, 0}, List.of(0), texts("a1", "b0"));
        States.add(s, new double[] {0, 1, 1}, List.of(0), texts("a2", "b2")); // better: its a wins; merge = (a2, b2) = itself
        assertThat(Merge.propose(s, Rng.seeded(5))).isNull();
    }

    @Test
    void noMergeWithFewerThanThreeCandidates() {
        GepaState s = States.state();
        States.add(s, new double[] {0, 1}, List.of(), texts("a0", "b0"));
        States.add(s, new double[] {1, 0}, List.of(0), texts("a1", "b0"));
        assertThat(Merge.propose(s, Rng.seeded(6))).isNull();
    }

    @Test
    void theSubsampleIsStratifiedAcrossWinsOfEachParentAndTies() {
        Map<String, Double> first = new LinkedHashMap<>();
        Map<String, Double> second = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String id = "v" + i;
            ids.add(id);
            first.put(id, i < 3 ? 1.0 : 0.0);       // v0-v2: first wins
            second.put(id, i >= 3 && i < 6 ? 1.0 : 0.0); // v3-v5: second wins; v6-v8 ties
        }
        for (long seed = 0; seed < 20; seed++) {
            List<String> sub = Merge.subsample(first, second, ids, Rng.seeded(seed));
            assertThat(sub).hasSize(5).doesNotHaveDuplicates();
            assertThat(sub.stream().filter(id -> id.compareTo("v3") < 0).count()).isEqualTo(2);
            assertThat(sub.stream().filter(id -> id.compareTo("v3") >= 0 && id.compareTo("v6") < 0).count()).isEqualTo(2);
            assertThat(sub.stream().filter(id -> id.compareTo("v6") >= 0).count()).isEqualTo(1);
        }
        // fewer validation ids than the subsample size: all of them
        assertThat(Merge.subsample(Map.of("x", 1.0, "y", 0.0), Map.of("x", 0.0, "y", 1.0), List.of("x", "y"), Rng.seeded(1)))
                .containsExactlyInAnyOrder("x", "y");
    }
}
