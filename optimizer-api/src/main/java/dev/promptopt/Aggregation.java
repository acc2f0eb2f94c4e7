package dev.promptopt;

import java.util.Map;

/**
 * Turns the per-scorer feedback of one example into one number. Default: the mean.
 *
 * <pre>{@code
 * Aggregation agg = Aggregation.weighted(Map.of("exact", 2.0, "judge", 1.0));
 * }</pre>
 */
@FunctionalInterface
public interface Aggregation {
    double aggregate(Map<String, Feedback> feedbackByScorer);

    /** The mean of the values. */
    static Aggregation mean() {
        return feedback -> feedback.values().stream().mapToDouble(Feedback::value).average().orElse(0.0);
    }

    /** A weighted mean; every scorer needs a weight >= 0, and at least one weight > 0. */
    static Aggregation weighted(Map<String, Double> weights) {
        Map<String, Double> w = Map.copyOf(weights);
        double total = 0;
        for (Map.Entry<String, Double> e : w.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0 || e.getValue().isNaN()) {
                throw new InvalidInputException("aggregation weight of scorer '" + e.getKey() + "' must be >= 0, found " + e.getValue());
            }
            total += e.getValue();
        }
        if (total <= 0) {
            throw new InvalidInputException("aggregation weights must not all be 0: " + w);
        }
        return new WeightedAggregation(w);
    }

    /** The weights of {@link #weighted(Map)}, so a builder can check them against the scorers. */
    record WeightedAggregation(Map<String, Double> weights) implements Aggregation {
        @Override
        public double aggregate(Map<String, Feedback> feedbackByScorer) {
            double sum = 0;
            double weight = 0;
            for (Map.Entry<String, Feedback> e : feedbackByScorer.entrySet()) {
                Double w = weights.get(e.getKey());
                if (w == null) {
                    throw new InvalidInputException("no aggregation weight for scorer '" + e.getKey() + "'; weights are given for " + weights.keySet());
                }
                sum += w * e.getValue().value();
                weight += w;
            }
            return weight == 0 ? 0 : sum / weight;
        }
    }
}
