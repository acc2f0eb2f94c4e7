package dev.promptopt.gepa.internal;

import dev.promptopt.gepa.GepaOptions;
import java.util.List;

/** Which prompts a proposal rewrites. */
public final class Components {
    private Components() {
    }

    /**
     * The components to rewrite for a proposal from {@code parent}. Round robin moves the parent's pointer,
     * so the next proposal from the same parent rewrites the next prompt.
     *
     * @param names the prompt names, sorted
     */
    public static List<String> choose(GepaOptions.ComponentSelection selection, GepaState.Candidate parent,
                                      List<String> names) {
        if (selection == GepaOptions.ComponentSelection.ALL) {
            return List.copyOf(names);
        }
        int i = Math.floorMod(parent.nextComponent, names.size());
        parent.nextComponent = (i + 1) % names.size();
        return List.of(names.get(i));
    }

    /**
     * The components a proposal from a parent whose round robin pointer is {@code pointer} will rewrite, without
     * moving the pointer: {@code ahead} proposals from the same parent are already in flight and will move it first.
     */
    public static List<String> peek(GepaOptions.ComponentSelection selection, int pointer, List<String> names,
                                    int ahead) {
        if (selection == GepaOptions.ComponentSelection.ALL) {
            return List.copyOf(names);
        }
        return List.of(names.get(Math.floorMod(pointer + ahead, names.size())));
    }

    /** Moves the parent's round robin pointer once a proposal from it was folded (as {@link #choose} does). */
    public static void advance(GepaOptions.ComponentSelection selection, GepaState.Candidate parent, List<String> names) {
        if (selection == GepaOptions.ComponentSelection.ROUND_ROBIN) {
            parent.nextComponent = (Math.floorMod(parent.nextComponent, names.size()) + 1) % names.size();
        }
    }

    /** A child's round robin pointer: the furthest of its parents', so it does not revisit what they just did. */
    public static int inheritedPointer(List<GepaState.Candidate> candidates, List<Integer> parents) {
        int max = 0;
        for (int p : parents) {
            max = Math.max(max, candidates.get(p).nextComponent);
        }
        return max;
    }
}
