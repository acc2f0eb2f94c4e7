package dev.promptopt.core.internal.engine;

import dev.promptopt.Aggregation;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checks an optimization and an evaluation both make before their first call. */
public final class SetupChecks {
    /** The most calls in flight a run or an evaluation may ask for, the same in the API and the managed configuration. */
    public static final int MAX_CONCURRENCY = 1024;

    /** A placeholder opened with two braces and never closed (possessive, so a shorter name cannot look closed). */
    private static final Pattern UNCLOSED = Pattern.compile("(?<!\\\\)\\{\\{\\s*+\\??\\s*+([A-Za-z_][A-Za-z0-9_]*+)(?!\\s*+}})");
    /** A name in single braces, not part of a double-brace placeholder. */
    private static final Pattern SINGLE = Pattern.compile("(?<![{\\\\])\\{\\s*+([A-Za-z_][A-Za-z0-9_]*+)\\s*+}(?!})");

    private SetupChecks() {
    }

    /** The one check of {@code maxConcurrency}, for the builder, the evaluation and the managed configuration. */
    public static String maxConcurrencyProblem(long value) {
        return value >= 1 && value <= MAX_CONCURRENCY ? null
                : "maxConcurrency: expected a whole number from 1 to " + MAX_CONCURRENCY + ", found " + value;
    }

    /** Throws the {@link #maxConcurrencyProblem} as an {@link IllegalArgumentException} (a bad value given to an API). */
    public static int requireMaxConcurrency(int value) {
        String problem = maxConcurrencyProblem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return value;
    }

    /**
     * Likely mistakes in templates: a placeholder opened and never closed, a name in single braces that is an
     * input field, and a template with no variable at all while the examples have inputs
     * (unless the caller allows a constant prompt).
     *
     * @param prompts a label for messages -> template
     */
    public static void templates(Map<String, PromptTemplate> prompts, List<Dataset> datasets, boolean allowConstant,
                                 List<String> problems) {
        Set<String> fields = new TreeSet<>();
        for (Dataset d : datasets) {
            for (Example e : d) {
                fields.addAll(e.inputs().keySet());
            }
        }
        for (Map.Entry<String, PromptTemplate> p : prompts.entrySet()) {
            String text = p.getValue().text();
            Set<String> variables = p.getValue().variables();
            Matcher open = UNCLOSED.matcher(text);
            while (open.find()) {
                problems.add(p.getKey() + ": placeholder '" + open.group() + "' at " + lineAndColumn(text, open.start())
                        + " is never closed: expected {{" + open.group(1) + "}}");
            }
            Matcher single = SINGLE.matcher(text);
            while (single.find()) {
                String name = single.group(1);
                if (fields.contains(name) && !variables.contains(name)) {
                    problems.add(p.getKey() + ": '" + single.group() + "' at " + lineAndColumn(text, single.start())
                            + " has single braces, so input '" + name + "' is never filled in: expected {{" + name + "}}");
                }
            }
            if (variables.isEmpty() && !fields.isEmpty() && !allowConstant) {
                problems.add(p.getKey() + " has no variable while the examples have inputs " + fields
                        + ": the model would see none of them (add e.g. {{" + fields.iterator().next()
                        + "}}, or call .allowConstantPrompt() if the prompt is meant to ignore its inputs)");
            }
        }
    }

    private static String lineAndColumn(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (offset - lineStart + 1);
    }

    /**
     * The aggregation, checked: a result that is NaN, infinite or outside [0, 1] stops the batch with an error naming
     * the example and the feedback it was given, instead of poisoning fronts and samplers downstream.
     */
    public static Aggregation checked(Aggregation aggregation) {
        return new CheckedAggregation(aggregation);
    }

    private record CheckedAggregation(Aggregation inner) implements Aggregation {
        @Override
        public double aggregate(Map<String, Feedback> feedbackByScorer) {
            double v = inner.aggregate(feedbackByScorer);
            if (Double.isNaN(v) || v < 0 || v > 1) {
                StringBuilder fb = new StringBuilder();
                feedbackByScorer.forEach((k, f) -> fb.append(fb.length() == 0 ? "" : ", ").append(k).append('=').append(f.value()));
                throw new InvalidInputException("the aggregation " + inner.getClass().getName() + " returned " + v
                        + " for the feedback {" + fb + "}: expected a number from 0 to 1");
            }
            return v;
        }
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
                for (Map.Entry<String, PromptTemplate> p : prompts.entrySet()) {
                    for (String v : p.getValue().variables()) {
                        if (e.inputs().containsKey(v) && e.inputs().get(v) == null) {
                            problems.add(e.describe() + ": input '" + v + "' is null, and " + p.getKey()
                                    + " renders it: give it a value");
                        }
                    }
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
