package dev.promptopt.fewshot;

import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes the MetaPrompt optimizer available to managed runs as {@code "optimizer": "metaprompt"}; the rewriting model
 * is the configuration's {@code reflectionModel}.
 *
 * <pre>{@code
 * "optimizer": "metaprompt", "reflectionModel": "openai:/gpt-4o",
 * "optimizerOptions": {"passes": "2", "examples": "5"}
 * }</pre>
 */
public final class MetaPromptOptimizerFactory implements OptimizerFactory {
    private static final Set<String> KNOWN = Set.of("passes", "examples");

    @Override
    public String name() {
        return "metaprompt";
    }

    @Override
    public List<String> validate(Map<String, String> options, boolean hasReflectionModel) {
        List<String> problems = new ArrayList<>();
        if (!hasReflectionModel) {
            problems.add("optimizer 'metaprompt' needs a model to rewrite prompts: set reflectionModel (e.g. \"openai:/gpt-4o\")");
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!KNOWN.contains(e.getKey())) {
                problems.add("unknown metaprompt option '" + e.getKey() + "' (known: " + new TreeSet<>(KNOWN) + ")");
                continue;
            }
            try {
                int v = Integer.parseInt(e.getValue().trim());
                if (v < (e.getKey().equals("passes") ? 1 : 0)) {
                    problems.add("option '" + e.getKey() + "' must be >= " + (e.getKey().equals("passes") ? 1 : 0) + ", found " + v);
                }
            } catch (NumberFormatException ex) {
                problems.add("option '" + e.getKey() + "' must be an integer, found '" + e.getValue() + "'");
            }
        }
        return problems;
    }

    @Override
    public Optimizer create(Spec spec) {
        if (spec.reflectionModel() == null) {
            throw new IllegalArgumentException("optimizer 'metaprompt' needs a reflectionModel");
        }
        MetaPromptOptions o = MetaPromptOptions.of(spec.reflectionModel());
        String passes = spec.options().get("passes");
        String examples = spec.options().get("examples");
        if (passes != null) {
            o = o.passes(Integer.parseInt(passes.trim()));
        }
        if (examples != null) {
            o = o.examples(Integer.parseInt(examples.trim()));
        }
        return new MetaPrompt(o);
    }
}
