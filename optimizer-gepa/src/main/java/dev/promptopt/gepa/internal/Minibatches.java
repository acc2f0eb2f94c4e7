package dev.promptopt.gepa.internal;

import dev.promptopt.Rng;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Epoch-shuffled minibatches: the train ids are shuffled once per epoch and cut into consecutive slices
 * of b; when b does not divide the train size the epoch is padded with the least-used ids. Unlike the
 * reference, padding never repeats an id inside the last slice, so no batch scores an example twice.
 */
public final class Minibatches {
    private Minibatches() {
    }

    /** The next minibatch; advances the sampler state. b larger than the train set is capped to its size. */
    public static List<String> next(GepaState.Sampler s, List<String> trainIds, int batchSize, Rng rng) {
        int b = Math.min(batchSize, trainIds.size());
        if (s.epoch < 0 || s.position + b > s.order.size()) {
            newEpoch(s, trainIds, b, rng);
        }
        List<String> batch = List.copyOf(s.order.subList(s.position, s.position + b));
        s.position += b;
        return batch;
    }

    private static void newEpoch(GepaState.Sampler s, List<String> trainIds, int b, Rng rng) {
        List<String> order = new ArrayList<>(trainIds);
        rng.shuffle(order);
        for (String id : order) {
            s.useCounts.merge(id, 1, Integer::sum);
        }
        int rem = order.size() % b;
        if (rem != 0) {
            Set<String> lastSlice = new HashSet<>(order.subList(order.size() - rem, order.size()));
            for (int k = 0; k < b - rem; k++) {
                String pick = null;
                for (String id : trainIds) { // train order breaks ties, so padding is reproducible
                    if (!lastSlice.contains(id)
                            && (pick == null || s.useCounts.getOrDefault(id, 0) < s.useCounts.getOrDefault(pick, 0))) {
                        pick = id;
                    }
                }
                order.add(pick);
                lastSlice.add(pick);
                s.useCounts.merge(pick, 1, Integer::sum);
            }
        }
        s.order = order;
        s.position = 0;
        s.epoch++;
    }
}
