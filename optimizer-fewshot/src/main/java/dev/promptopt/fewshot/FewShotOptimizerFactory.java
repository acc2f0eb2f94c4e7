package dev.promptopt.fewshot;

import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Makes the few-shot optimizer available to managed runs as {@code "optimizer": "fewshot"}; the configuration's
 * {@code optimizerOptions} map onto {@link FewShotOptions}. It needs no reflection model.
 *
 * <pre>{@code
 * "optimizer": "fewshot",
 * "optimizerOptions": {"maxDemos": "4", "candidateSets": "16", "source": "reference-outputs", "outputPrefix": "Answer: "}
 * }</pre>
 */
public final class FewShotOptimizerFactory implements OptimizerFactory {
    private static final Map<String, BiFunction<FewShotOptions, String, FewShotOptions>> OPTIONS = Map.of(
            "maxDemos", (o, v) -> o.maxDemos(Integer.parseInt(v)),
            "minDemos", (o, v) -> o.minDemos(Integer.parseInt(v)),
            "candidateSets", (o, v) -> o.candidateSets(Integer.parseInt(v)),
            "source", (o, v) -> o.source(source(v)),
            "passingScore", (o, v) -> o.passingScore(Double.parseDouble(v)),
            "outputPrefix", (o, v) -> o.outputPrefix(v),
            "firstRoundSize", (o, v) -> o.firstRoundSize(Integer.parseInt(v)));

    @Override
    public String name() {
        return "fewshot";
    }

    @Override
    public List<String> validate(Map<String, String> options, boolean hasReflectionModel) {
        try {
            apply(options);
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
    }

    @Override
    public Optimizer create(Spec spec) {
        return new FewShot(apply(spec.options()));
    }

    static FewShotOptions apply(Map<String, String> options) {
        FewShotOptions o = FewShotOptions.ofDefaults();
        // maxDemos first: minDemos is checked against it.
        List<String> keys = new ArrayList<>(new TreeSet<>(options.keySet()));
        keys.sort((a, b) -> a.equals("maxDemos") ? -1 : b.equals("maxDemos") ? 1 : a.compareTo(b));
        for (String key : keys) {
            BiFunction<FewShotOptions, String, FewShotOptions> setter = OPTIONS.get(key);
            if (setter == null) {
                throw new IllegalArgumentException("unknown fewshot option '" + key + "' (known: " + new TreeSet<>(OPTIONS.keySet()) + ")");
            }
            String value = key.equals("outputPrefix") ? options.get(key) : options.get(key).trim();
            try {
                o = setter.apply(o, value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option '" + key + "' must be a number, found '" + value + "'");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("option '" + key + "': " + e.getMessage());
            }
        }
        return o;
    }

    private static FewShotOptions.DemoSource source(String v) {
        String n = v.toUpperCase(Locale.ROOT).replace('-', '_');
        for (FewShotOptions.DemoSource s : FewShotOptions.DemoSource.values()) {
            if (s.name().equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + v + "' is not one of [reference-outputs, passing-outputs, auto]");
    }
}
