package dev.promptopt.gepa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.gepa.GepaOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComponentsAndAcceptanceTest {
    private static final List<String> NAMES = List.of("a", "b", "c");

    @Test
    void roundRobinCyclesThroughThePromptsOfEachCandidate() {
        GepaState.Candidate parent = new GepaState.Candidate();
        assertThat(Components.choose(GepaOptions.ComponentSelection.ROUND_ROBIN, parent, NAMES)).containsExactly("a");
        assertThat(Components.choose(GepaOptions.ComponentSelection.ROUND_ROBIN, parent, NAMES)).containsExactly("b");
        assertThat(Components.choose(GepaOptions.ComponentSelection.ROUND_ROBIN, parent, NAMES)).containsExactly("c");
        assertThat(Components.choose(GepaOptions.ComponentSelection.ROUND_ROBIN, parent, NAMES)).containsExactly("a");
        assertThat(parent.nextComponent).isEqualTo(1);
    }

    @Test
    void allRewritesEveryPromptAndLeavesThePointer() {
        GepaState.Candidate parent = new GepaState.Candidate();
        assertThat(Components.choose(GepaOptions.ComponentSelection.ALL, parent, NAMES)).containsExactly("a", "b", "c");
        assertThat(parent.nextComponent).isZero();
    }

    @Test
    void aChildInheritsTheFurthestPointerOfItsParents() {
        GepaState.Candidate p0 = new GepaState.Candidate();
        GepaState.Candidate p1 = new GepaState.Candidate();
        GepaState.Candidate p2 = new GepaState.Candidate();
        p0.nextComponent = 0;
        p1.nextComponent = 2;
        p2.nextComponent = 1;
        List<GepaState.Candidate> cs = List.of(p0, p1, p2);
        assertThat(Components.inheritedPointer(cs, List.of(0, 2))).isEqualTo(1);
        assertThat(Components.inheritedPointer(cs, List.of(1, 2))).isEqualTo(2);
        assertThat(Components.inheritedPointer(cs, List.of())).isZero();
        // the pointer a parent passes on is the one after its own proposal moved it
        GepaState.Candidate parent = new GepaState.Candidate();
        Components.choose(GepaOptions.ComponentSelection.ROUND_ROBIN, parent, NAMES);
        assertThat(Components.inheritedPointer(List.of(parent), List.of(0))).isEqualTo(1);
    }

    @Test
    void strictAcceptanceNeedsAHigherSumWhileOrEqualTakesATie() {
        assertThat(GepaRun.accepts(GepaOptions.Acceptance.STRICT_IMPROVEMENT, 2.0, 2.0)).isFalse();
        assertThat(GepaRun.accepts(GepaOptions.Acceptance.STRICT_IMPROVEMENT, 2.0, 2.5)).isTrue();
        assertThat(GepaRun.accepts(GepaOptions.Acceptance.STRICT_IMPROVEMENT, 2.0, 1.0)).isFalse();
        assertThat(GepaRun.accepts(GepaOptions.Acceptance.IMPROVEMENT_OR_EQUAL, 2.0, 2.0)).isTrue();
        assertThat(GepaRun.accepts(GepaOptions.Acceptance.IMPROVEMENT_OR_EQUAL, 2.0, 1.9)).isFalse();
    }
}
