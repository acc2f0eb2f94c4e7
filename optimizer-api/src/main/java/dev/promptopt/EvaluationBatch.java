package dev.promptopt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One candidate evaluated on a list of examples, results in the order of the examples.
 *
 * <pre>{@code
 * EvaluationBatch b = evaluator.evaluate(candidate, minibatch);
 * double total = b.sum();  Map<String, Double> byId = b.scoresById();
 * }</pre>
 */
public record EvaluationBatch(PromptSet candidate, List<ExampleResult> results) {
    public EvaluationBatch {
        results = List.copyOf(results);
    }

    public double sum() {
        double s = 0;
        for (ExampleResult r : results) {
            s += r.score();
        }
        return s;
    }

    public double mean() {
        return results.isEmpty() ? 0.0 : sum() / results.size();
    }

    /** Example id -> aggregated score, in order. */
    public Map<String, Double> scoresById() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (ExampleResult r : results) {
            m.put(r.example().id(), r.score());
        }
        return m;
    }

    /** Scorer name -> mean value over the batch. */
    public Map<String, Double> meanByScorer() {
        Map<String, double[]> acc = new LinkedHashMap<>();
        for (ExampleResult r : results) {
            r.feedback().forEach((name, f) -> {
                double[] a = acc.computeIfAbsent(name, k -> new double[2]);
                a[0] += f.value();
                a[1]++;
            });
        }
        Map<String, Double> m = new LinkedHashMap<>();
        acc.forEach((k, a) -> m.put(k, a[0] / a[1]));
        return m;
    }

    /** How many results were new calls rather than cache hits. */
    public int metricCalls() {
        int n = 0;
        for (ExampleResult r : results) {
            if (!r.cached()) {
                n++;
            }
        }
        return n;
    }
}
