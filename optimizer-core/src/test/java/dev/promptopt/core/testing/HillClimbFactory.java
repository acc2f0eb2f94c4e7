package dev.promptopt.core.testing;

import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The test-only optimizer of managed runs: {@code "optimizer": "hill-climb"} with option {@code hints}, sentences
 * separated by '|', tried one at a time by {@link HillClimbOptimizer}. Registered in META-INF/services.
 */
public final class HillClimbFactory implements OptimizerFactory {
    @Override
    public String name() {
        return "hill-climb";
    }

    @Override
    public List<String> validate(Map<String, String> options, boolean hasReflectionModel) {
        List<String> problems = new ArrayList<>();
        for (String k : options.keySet()) {
            if (!k.equals("hints")) {
                problems.add("unknown option '" + k + "' for hill-climb (known: [hints])");
            }
        }
        if (!options.containsKey("hints") || options.get("hints").isBlank()) {
            problems.add("hill-climb needs option 'hints': sentences separated by '|'");
        }
        return problems;
    }

    @Override
    public Optimizer create(Spec spec) {
        return new HillClimbOptimizer(spec.promptName(), Arrays.asList(spec.options().getOrDefault("hints", "").split("\\|")));
    }
}
