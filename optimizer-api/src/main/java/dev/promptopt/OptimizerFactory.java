package dev.promptopt;

import java.util.List;
import java.util.Map;

/**
 * Creates an {@link Optimizer} named in a managed configuration ({@code "optimizer": "gepa"}); found
 * through {@link java.util.ServiceLoader}. optimizer-gepa registers {@code gepa}.
 *
 * <pre>{@code
 * // META-INF/services/dev.promptopt.OptimizerFactory lists the class
 * public final class GepaFactory implements OptimizerFactory {
 *     public String name() { return "gepa"; }
 *     public Optimizer create(Spec spec) {
 *         return new Gepa(Gepa.options().reflectionModel(spec.reflectionModel()));
 *     }
 * }
 * }</pre>
 */
public interface OptimizerFactory {
    /** The name in configurations, e.g. {@code gepa}. */
    String name();

    /**
     * Problems with the options, one sentence each, checked before anything runs; e.g.
     * "option 'maxIterations' must be a positive integer, found 'x'". Unknown options should be reported too.
     */
    default List<String> validate(Map<String, String> options, boolean hasReflectionModel) {
        return List.of();
    }

    /** A fresh optimizer for one target model's run. */
    Optimizer create(Spec spec);

    /**
     * What a factory gets.
     *
     * @param promptName      the name of the prompt being optimized
     * @param options         the configuration's {@code optimizerOptions}
     * @param reflectionModel the configuration's {@code reflectionModel}, or null
     * @param seed            the configuration's {@code seed}
     */
    record Spec(String promptName, Map<String, String> options, LanguageModel reflectionModel, long seed) {
        public Spec {
            options = Map.copyOf(options);
        }
    }
}
