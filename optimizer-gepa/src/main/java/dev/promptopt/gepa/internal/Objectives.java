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
 * prompt's length in tokens. Every objective is "higher is better", so a length is kept negated.
 */
public final class Objectives {
    /** The key of the prompt-length objective (its value is minus the token count). */
    public static final String PROMPT_TOKENS = "prompt_tokens";
    private static final Pattern TOKEN = Pattern.compile("\\w+|[^\\w\\s]");

    private Objectives() {
    }

    /**
     * Validation id -> objective -> value. A failed example contributes no objective value: a failure is
     * not a score. The prompt-length objective is the same for every example.
     */
    public static Map<String, Map<String, Double>> perExample(EvaluationBatch batch, PromptSet candidate,
                                                              Set<GepaOptions.Objective> extra) {
        Double tokens = extra.contains(GepaOptions.Objective.PROMPT_TOKENS) ? -(double) promptTokens(candidate) : null;
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (ExampleResult r : batch.results()) {
            Map<String, Double> values = new TreeMap<>();
            if (!r.failed()) {
                for (Map.Entry<String, Feedback> f : r.feedback().entrySet()) {
                    values.put(f.getKey(), f.getValue().value());
                }
            }
            if (tokens != null) {
                values.put(PROMPT_TOKENS, tokens);
            }
            out.put(r.example().id(), values);
        }
        return out;
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
     * token count.
     */
    public static List<Map<String, Object>> front(List<GepaState.Candidate> candidates) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            boolean dominated = false;
            for (int j = 0; j < candidates.size() && !dominated; j++) {
                dominated = j != i && dominates(candidates.get(j).objectiveScores, candidates.get(i).objectiveScores);
            }
            if (dominated) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("candidate", i);
            row.put("score", candidates.get(i).score);
            Map<String, Object> values = new TreeMap<>();
            candidates.get(i).objectiveScores.forEach((k, v) -> values.put(k, PROMPT_TOKENS.equals(k) ? (Object) (long) -v : v));
            row.put("objectives", values);
            out.add(row);
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
