package dev.promptopt.gepa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class MinibatchesTest {
    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("e" + i);
        }
        return ids;
    }

    @Test
    void eachEpochVisitsEveryExampleOnceInShuffledSlices() {
        List<String> ids = ids(12);
        GepaState.Sampler s = new GepaState.Sampler();
        Rng rng = Rng.seeded(1);
        List<String> epoch1 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<String> batch = Minibatches.next(s, ids, 3, rng);
            assertThat(batch).hasSize(3).doesNotHaveDuplicates();
            epoch1.addAll(batch);
        }
        assertThat(epoch1).containsExactlyInAnyOrderElementsOf(ids).isNotEqualTo(ids);
        List<String> epoch2 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            epoch2.addAll(Minibatches.next(s, ids, 3, rng));
        }
        assertThat(epoch2).containsExactlyInAnyOrderElementsOf(ids).isNotEqualTo(epoch1);
        assertThat(s.epoch).isEqualTo(1);
    }

    @Test
    void anEpochIsPaddedWithTheLeastUsedIdsAndNoBatchRepeatsAnId() {
        List<String> ids = ids(10);
        GepaState.Sampler s = new GepaState.Sampler();
        Rng rng = Rng.seeded(2);
        for (int epoch = 0; epoch < 30; epoch++) {
            for (int i = 0; i < 4; i++) { // 10 ids padded to 12: four slices of 3
                assertThat(Minibatches.next(s, ids, 3, rng)).hasSize(3).doesNotHaveDuplicates();
            }
            assertThat(s.order).hasSize(12);
            assertThat(new HashSet<>(s.order)).containsExactlyInAnyOrderElementsOf(ids);
            int max = Collections.max(s.useCounts.values());
            int min = Collections.min(s.useCounts.values());
            // padding skips ids already in the last slice, so the least-used id is occasionally passed over
            assertThat(max - min).as("use counts stay balanced").isLessThanOrEqualTo(2);
        }
        assertThat(s.useCounts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(30 * 12);
    }

    @Test
    void aBatchLargerThanTheTrainSetIsCappedAndTheSameSeedGivesTheSameBatches() {
        GepaState.Sampler s = new GepaState.Sampler();
        assertThat(Minibatches.next(s, ids(2), 3, Rng.seeded(1))).hasSize(2).doesNotHaveDuplicates();

        GepaState.Sampler a = new GepaState.Sampler();
        GepaState.Sampler b = new GepaState.Sampler();
        Rng ra = Rng.seeded(9);
        Rng rb = Rng.seeded(9);
        for (int i = 0; i < 20; i++) {
            assertThat(Minibatches.next(a, ids(7), 3, ra)).isEqualTo(Minibatches.next(b, ids(7), 3, rb));
        }
    }
}
