package dev.promptopt.core.cost;

import dev.promptopt.TokenUsage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Prices per one million input and output tokens, by model. Immutable; {@link #with} returns a copy.
 * Lookup takes the model name as written in a URI ({@code openai:/gpt-4o-mini}) or bare ({@code gpt-4o-mini}),
 * and falls back to the longest known prefix, so {@code gpt-4o-mini-2024-07-18} costs as {@code gpt-4o-mini}.
 * Unknown models cost nothing; {@code local:} models are free.
 *
 * <pre>{@code
 * CostTable prices = CostTable.defaults()
 *     .with("gpt-4o-mini", 0.15, 0.60)           // USD per 1M input / output tokens
 *     .with("my-finetune", 0.30, 1.20);
 * double dollars = prices.cost("openai:/gpt-4o-mini", new TokenUsage(12_000, 800));
 * }</pre>
 */
public final class CostTable {
    /** A model's price in USD per one million tokens. */
    public record Price(double inputPerMillion, double outputPerMillion) {
        public Price {
            if (!(inputPerMillion >= 0) || !(outputPerMillion >= 0)) {
                throw new IllegalArgumentException("prices must be >= 0, found " + inputPerMillion + "/" + outputPerMillion);
            }
        }

        public double cost(TokenUsage usage) {
            return (usage.inputTokens() * inputPerMillion + usage.outputTokens() * outputPerMillion) / 1_000_000d;
        }
    }

    private final Map<String, Price> prices;

    private CostTable(Map<String, Price> prices) {
        this.prices = Collections.unmodifiableMap(new LinkedHashMap<>(prices));
    }

    /** No prices: every model is free until {@link #with} adds it. */
    public static CostTable empty() {
        return new CostTable(Map.of());
    }

    /**
     * A few well-known list prices in USD per 1M tokens, as published when this table was written.
     * EDITABLE: providers change prices; override with {@link #with} rather than trusting these.
     */
    public static CostTable defaults() {
        Map<String, Price> p = new LinkedHashMap<>();
        p.put("gpt-4o", new Price(2.50, 10.00));
        p.put("gpt-4o-mini", new Price(0.15, 0.60));
        p.put("gpt-4.1", new Price(2.00, 8.00));
        p.put("gpt-4.1-mini", new Price(0.40, 1.60));
        p.put("gpt-4.1-nano", new Price(0.10, 0.40));
        p.put("o3-mini", new Price(1.10, 4.40));
        p.put("claude-3-5-haiku", new Price(0.80, 4.00));
        p.put("claude-3-5-sonnet", new Price(3.00, 15.00));
        p.put("claude-3-7-sonnet", new Price(3.00, 15.00));
        p.put("claude-sonnet-4", new Price(3.00, 15.00));
        p.put("claude-opus-4", new Price(15.00, 75.00));
        return new CostTable(p);
    }

    /** A copy with one model's price set (replacing any earlier one). */
    public CostTable with(String model, double inputPerMillion, double outputPerMillion) {
        Objects.requireNonNull(model, "model");
        Map<String, Price> copy = new LinkedHashMap<>(prices);
        copy.put(bare(model), new Price(inputPerMillion, outputPerMillion));
        return new CostTable(copy);
    }

    /** The price of a model: exact name, else the longest known prefix; empty when unknown or local. */
    public Optional<Price> priceOf(String model) {
        if (model == null || model.startsWith("local:")) {
            return Optional.empty();
        }
        String name = bare(model);
        Price exact = prices.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        String best = null;
        for (String known : prices.keySet()) {
            if (name.startsWith(known) && (best == null || known.length() > best.length())) {
                best = known;
            }
        }
        return best == null ? Optional.empty() : Optional.of(prices.get(best));
    }

    /**
     * Dollars for a usage of a model; 0 when the model has no price. For a usage that is not
     * {@link TokenUsage#complete() complete}, the price of the counts reported: a lower bound.
     */
    public double cost(String model, TokenUsage usage) {
        return priceOf(model).map(p -> p.cost(usage)).orElse(0.0);
    }

    /** The prices, by bare model name. */
    public Map<String, Price> prices() {
        return prices;
    }

    private static String bare(String model) {
        int sep = model.indexOf(":/");
        return sep >= 0 ? model.substring(sep + 2) : model;
    }

    @Override
    public String toString() {
        return "CostTable" + prices;
    }
}
