package dev.promptopt;


/**
 * A metric that a managed configuration names in {@code optimizationMetric} or {@code customMetricId}, beyond
 * the built-in ones ({@code JSON_Match}, {@code Exact_Match}, {@code LLMaaJ:Sem_Sim_10}, {@code LLMaaJ:Sem_Sim_1});
 * found through {@link java.util.ServiceLoader}. A custom LLM judge plugs in here.
 *
 * <pre>{@code
 * public final class PolitenessMetric implements MetricProvider {
 *     public String name() { return "politeness"; }
 *     public boolean needsJudgeModel() { return true; }
 *     public Scorer create(LanguageModel judge) { return myJudge(judge); }
 * }
 * }</pre>
 */
public interface MetricProvider {
    /** The name in configurations. */
    String name();

    /** Whether {@link #create} needs the configuration's {@code judgeModel}. */
    default boolean needsJudgeModel() {
        return false;
    }

    /** The scorer; {@code judge} is null when {@link #needsJudgeModel()} is false and none is configured. */
    Scorer create(LanguageModel judge);
}
