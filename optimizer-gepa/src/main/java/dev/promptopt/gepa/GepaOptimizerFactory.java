package dev.promptopt.gepa;

import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Makes GEPA available to managed runs as {@code "optimizer": "gepa"}; the configuration's
 * {@code optimizerOptions} map onto {@link GepaOptions} (budget and reflection model come from the
 * configuration's own keys).
 *
 * <pre>{@code
 * "optimizer": "gepa",
 * "optimizerOptions": {"reflectionMinibatchSize": "3", "candidateSelection": "pareto", "merge": "true",
 *                      "parallelProposals": "4", "frontier": "hybrid", "objectives": "prompt-tokens"}
 * }</pre>
 */
public final class GepaOptimizerFactory implements OptimizerFactory {
    private static final Map<String, BiFunction<GepaOptions, String, GepaOptions>> OPTIONS = Map.ofEntries(
            Map.entry("reflectionMinibatchSize", (o, v) -> o.reflectionMinibatchSize(Integer.parseInt(v))),
            Map.entry("candidateSelection", (o, v) -> o.candidateSelection(enumValue(GepaOptions.CandidateSelection.class, v))),
            Map.entry("componentSelection", (o, v) -> o.componentSelection(enumValue(GepaOptions.ComponentSelection.class, v))),
            Map.entry("acceptance", (o, v) -> o.acceptance(enumValue(GepaOptions.Acceptance.class, v))),
            Map.entry("epsilon", (o, v) -> o.epsilon(Double.parseDouble(v))),
            Map.entry("topK", (o, v) -> o.topK(Integer.parseInt(v))),
            Map.entry("skipPerfectScore", (o, v) -> o.skipPerfectScore(bool(v))),
            Map.entry("perfectScore", (o, v) -> o.perfectScore(Double.parseDouble(v))),
            Map.entry("stopWhenPerfect", (o, v) -> o.stopWhenPerfect(bool(v))),
            Map.entry("noImprovementIterations", (o, v) -> o.noImprovementIterations(Integer.parseInt(v))),
            Map.entry("scoreThreshold", (o, v) -> o.scoreThreshold(Double.parseDouble(v))),
            Map.entry("merge", (o, v) -> o.merge(bool(v))),
            Map.entry("maxMerges", (o, v) -> o.maxMerges(Integer.parseInt(v))),
            Map.entry("reflectionTemplate", GepaOptions::reflectionTemplate),
            Map.entry("parallelProposals", (o, v) -> o.parallelProposals(Integer.parseInt(v))),
            Map.entry("speculativeEvaluations", (o, v) -> o.speculativeEvaluations(Integer.parseInt(v))),
            Map.entry("proposeDuringValidation", (o, v) -> o.proposeDuringValidation(bool(v))),
            Map.entry("reflectionHedging", (o, v) -> o.reflectionHedging(Double.parseDouble(v))),
            Map.entry("frontier", (o, v) -> o.frontier(enumValue(GepaOptions.Frontier.class, v))),
            Map.entry("objectives", (o, v) -> o.objectives(objectives(v))));

    @Override
    public String name() {
        return "gepa";
    }

    @Override
    public List<String> validate(Map<String, String> options, boolean hasReflectionModel) {
        List<String> problems = new ArrayList<>();
        if (!hasReflectionModel) {
            problems.add("optimizer 'gepa' needs a reflection model: set reflectionModel (e.g. \"openai:/gpt-4o\")");
        }
        try {
            apply(options);
        } catch (IllegalArgumentException | IllegalStateException e) {
            problems.add("optimizerOptions: " + e.getMessage());
        }
        return problems;
    }

    @Override
    public Optimizer create(Spec spec) {
        GepaOptions o = apply(spec.options());
        if (spec.reflectionModel() != null) {
            o = o.reflectionModel(spec.reflectionModel());
        }
        return new Gepa(o);
    }

    private static GepaOptions apply(Map<String, String> options) {
        GepaOptions o = Gepa.options();
        for (Map.Entry<String, String> e : options.entrySet()) {
            BiFunction<GepaOptions, String, GepaOptions> setter = OPTIONS.get(e.getKey());
            if (setter == null) {
                throw new IllegalArgumentException("unknown GEPA option '" + e.getKey() + "' (known: "
                        + new TreeSet<>(OPTIONS.keySet()) + ")");
            }
            try {
                o = setter.apply(o, e.getValue().trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("option '" + e.getKey() + "' must be a number, found '" + e.getValue() + "'");
            }
        }
        return o;
    }

    /** A comma-separated list of objectives, as "prompt-tokens, cost-per-example"; empty for none. */
    private static GepaOptions.Objective[] objectives(String v) {
        List<GepaOptions.Objective> out = new ArrayList<>();
        for (String part : v.split(",")) {
            if (!part.isBlank()) {
                out.add(enumValue(GepaOptions.Objective.class, part));
            }
        }
        return out.toArray(new GepaOptions.Objective[0]);
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false, found '" + v + "'");
        };
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String v) {
        String normalized = v.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E c : type.getEnumConstants()) {
            if (c.name().equals(normalized)) {
                return c;
            }
        }
        List<String> names = new ArrayList<>();
        for (E c : type.getEnumConstants()) {
            names.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new IllegalArgumentException("'" + v + "' is not one of " + names);
    }
}
