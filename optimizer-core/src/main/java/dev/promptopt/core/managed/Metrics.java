package dev.promptopt.core.managed;

import dev.promptopt.ChatMessage;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.LanguageModel;
import dev.promptopt.Scorer;
import dev.promptopt.core.Scorers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            case SEM_SIM_10 -> new SemanticSimilarityJudge(judge, true);
            case SEM_SIM_1 -> new SemanticSimilarityJudge(judge, false);
            default -> throw new dev.promptopt.InvalidInputException("unknown metric '" + name + "'"
                    + Suggestions.didYouMean(name, names()) + "; known: " + names());
        };
    }

    private static Map<String, MetricProvider> providers() {
        Map<String, MetricProvider> out = new LinkedHashMap<>();
        for (MetricProvider p : ServiceLoader.load(MetricProvider.class, Metrics.class.getClassLoader())) {
            out.putIfAbsent(p.name(), p);
        }
        return out;
    }

    /**
     * SAP's semantic similarity judges: the judge model compares the output with the reference answer and
     * answers a grade (1-10) or a verdict (1 same meaning / 0 not); the grade is normalized to [0,1] and the
     * judge's whole answer becomes the rationale.
     */
    static final class SemanticSimilarityJudge implements Scorer {
        private static final Pattern NUMBER = Pattern.compile("(?<![\\d.])(10|[0-9])(?![\\d.])");
        private final LanguageModel judge;
        private final boolean tenPoint;

        SemanticSimilarityJudge(LanguageModel judge, boolean tenPoint) {
            this.judge = java.util.Objects.requireNonNull(judge, "judge");
            this.tenPoint = tenPoint;
        }

        @Override
        public String name() {
            return tenPoint ? "sem_sim_10" : "sem_sim_1";
        }

        @Override
        public boolean usesModel() {
            return true;
        }

        @Override
        public List<String> missingRequirements(Example example) {
            return example.hasOutputs() ? List.of() : List.of("a reference output ('outputs' or SAP's 'answer')");
        }

        @Override
        public Feedback score(Example example, Object output) {
            String scale = tenPoint
                    ? "Rate from 1 (unrelated) to 10 (same meaning) how similar in meaning the response is to the reference."
                    : "Answer 1 if the response has the same meaning as the reference, else 0.";
            String prompt = "You judge answers. " + scale + "\nStart your reply with the number, then explain briefly.\n\n"
                    + "Reference:\n" + example.referenceOutput() + "\n\nResponse:\n" + output;
            String answer = judge.chat(List.of(ChatMessage.user(prompt))).text();
            Matcher m = NUMBER.matcher(answer);
            if (!m.find()) {
                return Feedback.of(0.0, "the judge gave no grade: " + answer);
            }
            int grade = Integer.parseInt(m.group(1));
            double value = tenPoint ? Math.max(0, Math.min(1, (grade - 1) / 9.0)) : (grade >= 1 ? 1.0 : 0.0);
            return Feedback.of(value, String.format(Locale.ROOT, "judge grade %d: %s", grade, answer.strip()));
        }
    }
}
