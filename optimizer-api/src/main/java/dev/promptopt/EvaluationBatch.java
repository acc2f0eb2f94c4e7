package dev.promptopt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One candidate evaluated on a list of examples, results in the order of the examples.
 *
 * <p>A failure is not a score: results whose calls failed ({@link ExampleResult#failed()}) are left out of
 * {@link #sum()}, {@link #mean()}, {@link #scoresById()} and {@link #meanByScorer()}; {@link #failures()} lists
 * them. The evaluator asks for a failed pair again the next time it is needed.
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

    /** The sum of the scored results' scores (failures left out). */
    public double sum() {
        double s = 0;
        for (ExampleResult r : results) {
            if (!r.failed()) {
                s += r.score();
            }
        }
        return s;
    }

    /** The mean score over the scored results (failures left out); 0 when nothing was scored. */
    public double mean() {
        int scored = results.size() - failures().size();
        return scored == 0 ? 0.0 : sum() / scored;
    }

    /** Example id -> aggregated score, in order, for the scored results (failures left out). */
    public Map<String, Double> scoresById() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (ExampleResult r : results) {
            if (!r.failed()) {
                m.put(r.example().id(), r.score());
            }
        }
        return m;
    }

    /** The results whose calls failed, in order. */
    public List<ExampleResult> failures() {
        List<ExampleResult> failed = new ArrayList<>();
        for (ExampleResult r : results) {
            if (r.failed()) {
                failed.add(r);
            }
        }
        return failed;
    }

    /** Scorer name -> mean value over the scored results of the batch. */
    public Map<String, Double> meanByScorer() {
        Map<String, double[]> acc = new LinkedHashMap<>();
        for (ExampleResult r : results) {
            if (r.failed()) {
                continue;
            }
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

    /** How many results were new metric calls (scored, not served from the cache). */
    public int metricCalls() {
        int n = 0;
        for (ExampleResult r : results) {
            if (!r.cached() && !r.failed()) {
                n++;
            }
        }
        return n;
    }
}
