package dev.promptopt.managed;

import dev.promptopt.core.Judges;

import dev.promptopt.LanguageModel;
import dev.promptopt.Scorer;
import dev.promptopt.core.Scorers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.promptopt.MetricProvider;
import dev.promptopt.spi.Services;

/**
 * The metrics a managed configuration can name: SAP's {@code JSON_Match}, {@code LLMaaJ:Sem_Sim_10},
 * {@code LLMaaJ:Sem_Sim_1}, plus {@code Exact_Match} and every {@link MetricProvider} on the classpath.
 *
 * <pre>{@code
 * Scorer s = Metrics.create("LLMaaJ:Sem_Sim_10", Models.resolve("openai:/gpt-4o"));
 * }</pre>
 */
public final class Metrics {
    public static final String JSON_MATCH = "JSON_Match";
    public static final String EXACT_MATCH = "Exact_Match";
    public static final String SEM_SIM_10 = "LLMaaJ:Sem_Sim_10";
    public static final String SEM_SIM_1 = "LLMaaJ:Sem_Sim_1";

    private Metrics() {
    }

    /** Every metric name known here, built-in first. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(List.of(JSON_MATCH, EXACT_MATCH, SEM_SIM_10, SEM_SIM_1));
        providers().keySet().forEach(n -> {
            if (!names.contains(n)) {
                names.add(n);
            }
        });
        return names;
    }

    /** Whether the metric exists. */
    public static boolean exists(String name) {
        return names().contains(name);
    }

    /** Whether the metric needs the configuration's judgeModel. */
    public static boolean needsJudge(String name) {
        if (name.equals(SEM_SIM_10) || name.equals(SEM_SIM_1)) {
            return true;
        }
        MetricProvider p = providers().get(name);
        return p != null && p.needsJudgeModel();
    }

    /**
     * The scorer for a metric.
     *
     * @param judge the judge model, or null when the metric needs none
     */
    public static Scorer create(String name, LanguageModel judge) {
        MetricProvider p = providers().get(name);
        if (p != null) {
            return p.create(judge);
        }
        return switch (name) {
            case JSON_MATCH -> Scorers.jsonMatch();
            case EXACT_MATCH -> Scorers.exactMatch();
            case SEM_SIM_10 -> Judges.semanticSimilarity10(judge);
            case SEM_SIM_1 -> Judges.semanticSimilarityBinary(judge);
            default -> throw new dev.promptopt.InvalidInputException("unknown metric '" + name + "'"
                    + Suggestions.didYouMean(name, names()) + "; known: " + names());
        };
    }

    private static Map<String, MetricProvider> providers() {
        Map<String, MetricProvider> out = new LinkedHashMap<>();
        for (String name : Services.names(MetricProvider.class, MetricProvider::name)) {
            Services.named(MetricProvider.class, MetricProvider::name, name, "metric provider", "promptopt.metric." + name)
                    .ifPresent(p -> out.put(name, p));
        }
        return out;
    }
}
