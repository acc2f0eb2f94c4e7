package dev.promptopt.core.cost;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.TokenUsage;
import dev.promptopt.core.internal.engine.ExampleUsageScope;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counts calls, tokens and dollars per {@link ModelRole} across a run. Thread-safe. Wrap each model with
 * {@link #meter(LanguageModel, ModelRole)}; every successful call is recorded with its own model's price, and also
 * attributed to the example being evaluated on the calling thread ({@link dev.promptopt.ExampleResult#usage()}).
 *
 * <pre>{@code
 * UsageMeter meter = new UsageMeter(CostTable.defaults());
 * LanguageModel task  = meter.meter(rawTask, ModelRole.TASK);
 * LanguageModel judge = meter.meter(rawJudge, ModelRole.JUDGE);
 * ... run ...
 * meter.totalCostUsd();  meter.usage(ModelRole.JUDGE).inputTokens();  meter.snapshot();
 * }</pre>
 */
public final class UsageMeter {
    /** What one role used: calls, tokens and their cost in US dollars. */
    public record RoleUsage(long calls, TokenUsage tokens, double costUsd) {
        static final RoleUsage NONE = new RoleUsage(0, TokenUsage.ZERO, 0);

        RoleUsage plus(TokenUsage t, double addedCostUsd) {
            return new RoleUsage(calls + 1, tokens.plus(t), costUsd + addedCostUsd);
        }
    }

    private final CostTable costTable;
    private final Map<ModelRole, RoleUsage> usage = new EnumMap<>(ModelRole.class);

    public UsageMeter(CostTable costTable) {
        this.costTable = Objects.requireNonNull(costTable, "costTable");
    }

    /** A meter with {@link CostTable#defaults()}. */
    public UsageMeter() {
        this(CostTable.defaults());
    }

    public CostTable costTable() {
        return costTable;
    }

    /** A model whose successful calls are recorded under {@code role}. */
    public LanguageModel meter(LanguageModel model, ModelRole role) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(role, "role");
        return new LanguageModel() {
            @Override
            public String name() {
                return model.name();
            }

            @Override
            public ModelResponse chat(List<ChatMessage> messages) {
                ModelResponse r = model.chat(messages);
                double dollars = record(role, model.name(), r.usage());
                ExampleUsageScope.record(r.usage(), dollars); // the example being evaluated on this thread, if any
                return r;
            }

            @Override
            public String toString() {
                return "Metered[" + role + ", " + model + "]";
            }
        };
    }

    /** Records one call; priced by {@code model}'s entry in the cost table. Returns its price in dollars. */
    public double record(ModelRole role, String model, TokenUsage tokens) {
        double dollars = costTable.cost(model, tokens);
        synchronized (usage) {
            usage.merge(role, RoleUsage.NONE.plus(tokens, dollars), (a, b) -> a.plus(b.tokens(), b.costUsd()));
        }
        return dollars;
    }

    /** Tokens used by one role. */
    public TokenUsage usage(ModelRole role) {
        return of(role).tokens();
    }

    /** Calls made by one role. */
    public long calls(ModelRole role) {
        return of(role).calls();
    }

    /** The cost of one role's calls, in US dollars. */
    public double costUsd(ModelRole role) {
        return of(role).costUsd();
    }

    /** The cost of all roles' calls, in US dollars. */
    public double totalCostUsd() {
        synchronized (usage) {
            return usage.values().stream().mapToDouble(RoleUsage::costUsd).sum();
        }
    }

    /** Tokens used by all roles. */
    public TokenUsage totalUsage() {
        synchronized (usage) {
            return usage.values().stream().map(RoleUsage::tokens).reduce(TokenUsage.ZERO, TokenUsage::plus);
        }
    }

    /** A copy of the usage of every role that made a call. */
    public Map<ModelRole, RoleUsage> snapshot() {
        synchronized (usage) {
            return Map.copyOf(usage);
        }
    }

    private RoleUsage of(ModelRole role) {
        synchronized (usage) {
            return usage.getOrDefault(role, RoleUsage.NONE);
        }
    }

    @Override
    public String toString() {
        return "UsageMeter" + snapshot() + " $" + String.format(java.util.Locale.ROOT, "%.4f", totalCostUsd());
    }
}
