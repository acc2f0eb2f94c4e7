package dev.promptopt.gepa;

import dev.promptopt.ModelProvider;
import dev.promptopt.Budget;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationContext;
import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.Secrets;
import dev.promptopt.gepa.internal.GepaRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * GEPA (Genetic-Pareto) prompt optimization: reflect on the feedback of a few examples, let a model rewrite
 * one prompt, keep the rewrite if it does better on those examples, score it on the validation set, and pick
 * the next parent from the per-example Pareto front. See {@code reference/gepa.md} for the algorithm and
 * where this implementation deliberately differs from the reference (no budget overshoot, truncated
 * reflections rejected, stop once perfect, resume repeating at most the calls in flight at the kill).
 *
 * <pre>{@code
 * OptimizationResult result = PromptOptimizer.builder()
 *     .prompts("prompts:/sentiment/1")
 *     .predictFn(predict)
 *     .trainData(train)
 *     .scorers(Scorers.equivalence(judge))
 *     .optimizer(new Gepa(Gepa.options().reflectionModel("openai:/gpt-4o").maxMetricCalls(300)))
 *     .run();
 * }</pre>
 *
 * <p>Beyond the paper: {@link GepaOptions#parallelProposals(int) parallelProposals(k)} keeps up to k proposals in
 * flight at once (same candidates for the same seed and model answers, whatever the thread timing; events carry
 * the proposal number as their iteration, so overlapping proposals show;
 * {@link GepaOptions#speculativeEvaluations(int) speculativeEvaluations(n)} trades wall time for metric calls,
 * {@link GepaOptions#proposeDuringValidation(boolean) proposeDuringValidation} starts the next proposals from a
 * winning child while it is validated, and
 * {@link GepaOptions#reflectionHedging(double) reflectionHedging(p)} sends a second request for a slow reflection), and
 * {@link GepaOptions#frontier(GepaOptions.Frontier) frontier} / {@link GepaOptions#objectives objectives} keep
 * Pareto fronts across scorers, the prompt's length and the cost per example; the result's
 * {@code GepaStats.objectiveFront()} lists the candidates no other beats on every objective.
 *
 * <p>Instances are immutable and thread-safe; one instance may run several optimizations.
 */
public final class Gepa implements Optimizer {
    private final GepaOptions options;
    private volatile LanguageModel resolvedReflector;

    /**
     * @throws IllegalStateException when two options conflict
     */
    public Gepa(GepaOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        options.checkConsistent();
        this.resolvedReflector = options.reflectionModel().orElse(null);
    }

    /** The reference defaults, to be changed with the returned options' setters. */
    public static GepaOptions options() {
        return GepaOptions.ofDefaults();
    }

    /** The options this optimizer was built with. */
    public GepaOptions configuration() {
        return options;
    }

    @Override
    public String name() {
        return "gepa";
    }

    @Override
    public Optional<Budget> budget() {
        return options.budget();
    }

    @Override
    public List<String> validate(OptimizationContext ctx) {
        List<String> problems = new ArrayList<>();
        if (options.reflectionModel().isEmpty() && options.reflectionModelUri().isEmpty()) {
            problems.add("no reflection model; set one with Gepa.options().reflectionModel(model or \"provider:/model\")");
        } else {
            try {
                reflector();
            } catch (PromptOptimizerException e) {
                problems.add("reflection model '" + Secrets.redact(options.reflectionModelUri().orElse("")) + "' cannot be resolved: "
                        + Secrets.redact(e.getMessage()));
            }
        }
        Long max = ctx.budget() == null ? null : ctx.budget().maxMetricCalls();
        if (max != null) {
            int b = Math.min(options.reflectionMinibatchSize(), Math.max(1, ctx.trainData().size()));
            long needed = ctx.validationData().size() + 2L * b;
            if (max < needed) {
                problems.add("warning: a budget of " + max + " metric calls cannot pay for validating the seed ("
                        + ctx.validationData().size() + " examples) plus one proposal (2 x minibatch of " + b + "): "
                        + needed + " needed; the run will end with the seed");
            }
        }
        return problems;
    }

    @Override
    public OptimizerOutcome optimize(OptimizationContext ctx) {
        return new GepaRun(ctx, options, reflector()).run();
    }

    /** The reflection model, resolving a URI on first use so building a Gepa needs no provider on the classpath. */
    private LanguageModel reflector() {
        LanguageModel m = resolvedReflector;
        if (m == null) {
            synchronized (this) {
                m = resolvedReflector;
                if (m == null) {
                    String uri = options.reflectionModelUri().orElseThrow(() -> new IllegalStateException(
                            "gepa: no reflection model; set one with Gepa.options().reflectionModel(...)"));
                    m = ModelProvider.resolve(uri);
                    resolvedReflector = m;
                }
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "Gepa" + options.describe();
    }
}
