package dev.promptopt.core.internal.scorers;

import dev.promptopt.Example;
import dev.promptopt.Scorer;
import java.util.List;

/** Base of the scorers that compare the output with the example's reference output. */
abstract class ReferenceScorer implements Scorer {
    static final String NEEDS_REFERENCE = "a reference output ('outputs' or expectations.expected_response)";

    private final String name;

    ReferenceScorer(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public List<String> missingRequirements(Example example) {
        return example.referenceOutput() == null ? List.of(NEEDS_REFERENCE) : List.of();
    }

    @Override
    public String toString() {
        return "Scorer[" + name + "]";
    }
}
