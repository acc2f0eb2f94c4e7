package dev.promptopt.core.internal.engine;

import dev.promptopt.Aggregation;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks an optimization and an evaluation both make before their first call. */
public final class SetupChecks {
    private SetupChecks() {
    }

    /** Scorers present, named, uniquely named, and weighed by a weighted aggregation. */
    public static void scorers(List<Scorer> scorers, Aggregation aggregation, List<String> problems) {
        if (scorers.isEmpty()) {
            problems.add("no scorers: call .scorers(Scorers.exactMatch(), ...)");
        }
        Set<String> names = new HashSet<>();
        for (Scorer s : scorers) {
            if (s.name() == null || s.name().isBlank()) {
                problems.add("a scorer has no name (" + s + ")");
            } else if (!names.add(s.name())) {
                problems.add("two scorers are named '" + s.name() + "': scorer names must be unique (they name metrics)");
            }
        }
        if (aggregation instanceof Aggregation.WeightedAggregation w) {
            for (String n : names) {
                if (!w.weights().containsKey(n)) {
                    problems.add("the aggregation has no weight for scorer '" + n + "' (weights: " + w.weights().keySet() + ")");
                }
            }
            for (String n : w.weights().keySet()) {
                if (!names.contains(n)) {
                    problems.add("the aggregation weighs scorer '" + n + "', which is not among the scorers " + names);
                }
            }
        }
    }

    /**
     * Every example has inputs, every template variable, and what every scorer needs.
     *
     * @param prompts a label for messages (e.g. "prompt 'qa' (prompts:/qa/1)") -> template
     */
    public static void examples(Map<String, PromptTemplate> prompts, List<Dataset> datasets, List<Scorer> scorers,
                                List<String> problems) {
        for (Dataset d : datasets) {
            for (Map.Entry<String, PromptTemplate> p : prompts.entrySet()) {
                for (String missing : d.missingInputs(p.getValue().variables())) {
                    problems.add(p.getKey() + " needs an input its data lacks: " + missing);
                }
            }
            for (Example e : d) {
                if (e.inputs().isEmpty()) {
                    problems.add(e.describe() + ": inputs are empty");
                }
                for (Scorer s : scorers) {
                    for (String need : s.missingRequirements(e)) {
                        problems.add(e.describe() + ": scorer '" + s.name() + "' needs " + need);
                    }
                }
            }
        }
    }
}
