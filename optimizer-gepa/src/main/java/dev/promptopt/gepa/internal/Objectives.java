package dev.promptopt.gepa.internal;

import dev.promptopt.EvaluationBatch;
import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.ChatMessage;
import dev.promptopt.gepa.GepaOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The objectives a candidate is measured on: every scorer (its value per example), and optionally the
 * prompt's length in tokens and the cost per example. Every objective is "higher is better", so a length and
 * a cost are kept negated.
 */
public final class Objectives {
    /** The key of the prompt-length objective (its value is minus the token count). */
    public static final String PROMPT_TOKENS = "prompt_tokens";
    /** The key of the cost objective (its value is minus the dollars of the example's metered calls). */
    public static final String COST_PER_EXAMPLE = "cost_per_example";
    /** The negated objectives, in the order they break ties between candidates of equal score. */
    public static final List<String> LOWER_IS_BETTER = List.of(PROMPT_TOKENS, COST_PER_EXAMPLE);
    private static final Pattern TOKEN = Pattern.compile("\\w+|[^\\w\\s]");

    private Objectives() {
    }

    /**
     * Validation id -> objective -> value. A failed example contributes no objective value: a failure is
     * not a score, and an example whose calls were not metered, or whose provider left out a token count, has no
     * cost (a price of the counts reported would be too low). The prompt-length objective is the
     * same for every example.
     */
    public static Map<String, Map<String, Double>> perExample(EvaluationBatch batch, PromptSet candidate,
                                                              Set<GepaOptions.Objective> extra) {
        Double tokens = extra.contains(GepaOptions.Objective.PROMPT_TOKENS) ? -(double) promptTokens(candidate) : null;
        boolean cost = extra.contains(GepaOptions.Objective.COST_PER_EXAMPLE);
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (ExampleResult r : batch.results()) {
            Map<String, Double> values = new TreeMap<>();
            if (!r.failed()) {
                for (Map.Entry<String, Feedback> f : r.feedback().entrySet()) {
                    values.put(f.getKey(), f.getValue().value());
                }
                if (cost && priced(r)) {
                    values.put(COST_PER_EXAMPLE, -r.usage().costUsd());
                }
            }
            if (tokens != null) {
                values.put(PROMPT_TOKENS, tokens);
            }
            out.put(r.example().id(), values);
        }
        return out;
    }

    /** Example id -> dollars of its metered calls, for the results that were scored and priced in full. */
    public static Map<String, Double> costs(EvaluationBatch batch) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (ExampleResult r : batch.results()) {
            if (!r.failed() && priced(r)) {
                out.put(r.example().id(), r.usage().costUsd());
            }
        }
        return out;
    }

    /** Metered, with every call's token counts reported: its dollars are the whole. */
    private static boolean priced(ExampleResult r) {
        return r.usage().measured() && r.usage().tokens().complete();
    }

    /** Objective -> mean over the examples that have a value for it. */
    public static Map<String, Double> means(Map<String, Map<String, Double>> perExample) {
        Map<String, double[]> acc = new TreeMap<>();
        perExample.values().forEach(m -> m.forEach((k, v) -> {
            double[] a = acc.computeIfAbsent(k, x -> new double[2]);
            a[0] += v;
            a[1]++;
        }));
        Map<String, Double> out = new TreeMap<>();
        acc.forEach((k, a) -> out.put(k, a[0] / a[1]));
        return out;
    }

    /**
     * An estimate of the tokens of a candidate's prompts: words and punctuation marks, which tracks BPE
     * tokenizers' counts for English prose closely enough to compare two versions of one prompt.
     */
    public static int promptTokens(PromptSet candidate) {
        int n = 0;
        for (PromptTemplate t : candidate.asMap().values()) {
            if (t.isChat()) {
                for (ChatMessage m : t.messages()) {
                    n += count(m.content());
                }
            } else {
                n += count(t.text());
            }
        }
        return n;
    }

    private static int count(String text) {
        Matcher m = TOKEN.matcher(text == null ? "" : text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /**
     * The candidates no other candidate dominates across the objectives (at least as good on every
     * objective, better on one), each with its objective values; the prompt length is shown as a positive
     * token count and the cost as positive dollars.
     */
    public static List<dev.promptopt.gepa.GepaStats.FrontPoint> front(List<GepaState.Candidate> candidates) {
        List<dev.promptopt.gepa.GepaStats.FrontPoint> out = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            boolean dominated = false;
            for (int j = 0; j < candidates.size() && !dominated; j++) {
                dominated = j != i && dominates(candidates.get(j).objectiveScores, candidates.get(i).objectiveScores);
            }
            if (dominated) {
                continue;
            }
            // Internally every objective is "higher is better"; the front gives each in its own unit.
            Map<String, Double> values = new TreeMap<>();
            candidates.get(i).objectiveScores.forEach((k, v) -> values.put(k,
                    PROMPT_TOKENS.equals(k) || COST_PER_EXAMPLE.equals(k) ? -v : v));
            out.add(new dev.promptopt.gepa.GepaStats.FrontPoint(i, candidates.get(i).score, values));
        }
        return out;
    }

    /** Whether {@code a} is at least as good as {@code b} on every objective of {@code b} and better on one. */
    public static boolean dominates(Map<String, Double> a, Map<String, Double> b) {
        if (b.isEmpty()) {
            return false;
        }
        boolean better = false;
        for (Map.Entry<String, Double> e : b.entrySet()) {
            Double x = a.get(e.getKey());
            if (x == null || x < e.getValue()) {
                return false;
            }
            if (x > e.getValue()) {
                better = true;
            }
        }
        return better;
    }
}
