package dev.promptopt.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** How every registry names the versions a prompt has, in "no version 9 (versions 1..3)" messages; for registry implementations. */
public final class VersionText {
    private VersionText() {
    }

    /** "no versions", "only version 2", "versions 1..3" or "versions 1, 3, 4". */
    public static String describe(Collection<Integer> versions) {
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(versions));
        if (sorted.isEmpty()) {
            return "no versions";
        }
        if (sorted.size() == 1) {
            return "only version " + sorted.get(0);
        }
        int first = sorted.get(0);
        int last = sorted.get(sorted.size() - 1);
        if (last - first + 1 == sorted.size()) {
            return "versions " + first + ".." + last;
        }
        return "versions " + sorted.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
