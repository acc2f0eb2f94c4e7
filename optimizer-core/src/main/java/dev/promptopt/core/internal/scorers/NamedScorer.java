package dev.promptopt.core.internal.scorers;

import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.Scorer;
import java.util.List;

/** Another scorer under a new name, so two scorers of one kind can run side by side. */
public record NamedScorer(String name, Scorer delegate) implements Scorer {
    @Override
    public Feedback score(Example example, Object output) throws Exception {
        return delegate.score(example, output);
    }

    @Override
    public List<String> missingRequirements(Example example) {
        return delegate.missingRequirements(example);
    }

    @Override
    public boolean usesModel() {
        return delegate.usesModel();
    }

    @Override
    public String toString() {
        return "Scorer[" + name + " = " + delegate + "]";
    }
}
