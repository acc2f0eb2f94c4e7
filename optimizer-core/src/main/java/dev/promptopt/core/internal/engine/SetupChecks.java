package dev.promptopt.core.internal.engine;

import dev.promptopt.Aggregation;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Objects;
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
     * An example is its id and its content: two different examples (inputs, reference output or expectations
     * differ) must not share an id across the run's datasets, or results of one would be taken for the other.
     * The same example in two datasets is fine. Each collision is reported once, naming both sources.
     */
    public static void idCollisions(List<Dataset> datasets, List<String> problems) {
        Map<String, Example> seen = new HashMap<>();
        Map<String, String> seenIn = new HashMap<>();
        Set<String> reported = new HashSet<>();
        for (Dataset d : datasets) {
            for (Example e : d) {
                Example first = seen.putIfAbsent(e.id(), e);
                if (first == null) {
                    seenIn.put(e.id(), d.name());
                    continue;
                }
                if (first == e || Fingerprints.content(first).equals(Fingerprints.content(e))) {
                    continue;
                }
                if (reported.add(e.id())) {
                    problems.add("two different examples share the id '" + e.id() + "': " + where(first, seenIn.get(e.id()))
                            + " and " + where(e, d.name()) + " differ in " + differences(first, e)
                            + "; give them distinct ids (an example is its id and its content)");
                }
            }
        }
    }

    private static String where(Example e, String datasetName) {
        return e.source().isEmpty() ? "dataset '" + datasetName + "'" : e.source() + " (dataset '" + datasetName + "')";
    }

    private static String differences(Example a, Example b) {
        List<String> fields = new ArrayList<>();
        if (!Fingerprints.content(Example.of(a.id(), a.inputs(), null)).equals(Fingerprints.content(Example.of(b.id(), b.inputs(), null)))) {
            fields.add("inputs");
        }
        if (!Objects.equals(ResultRecords.toTree(a.outputs()), ResultRecords.toTree(b.outputs()))) {
            fields.add("outputs");
        }
        if (!Objects.equals(ResultRecords.toTree(a.expectations()), ResultRecords.toTree(b.expectations()))) {
            fields.add("expectations");
        }
        return fields.isEmpty() ? "content" : String.join(" and ", fields);
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
