package dev.promptopt.gepa;

import dev.promptopt.Budget;
import dev.promptopt.LanguageModel;
import dev.promptopt.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * GEPA's options, immutable: every setter returns a changed copy, so a base configuration can be shared
 * and varied. Defaults follow the reference implementation (see {@code reference/gepa.md}); bad values fail
 * at once with an {@link IllegalArgumentException} naming the value, conflicting ones when the {@link Gepa}
 * is built, with an {@link IllegalStateException} naming both.
 *
 * <pre>{@code
 * GepaOptions base = Gepa.options().reflectionModel("openai:/gpt-4o").maxMetricCalls(300);
 * Gepa gepa = new Gepa(base.merge(true).candidateSelection(GepaOptions.CandidateSelection.CURRENT_BEST));
 * }</pre>
 */
public final class GepaOptions {
    /** Slot for the current text of the component being rewritten, in a custom reflection template. */
    public static final String CURRENT_INSTRUCTION_SLOT = "{{current_instruction}}";
    /** Slot for the rendered examples (inputs, outputs, feedback), in a custom reflection template. */
    public static final String EXAMPLES_SLOT = "{{examples}}";

    /** How the parent of the next proposal is chosen. */
    public enum CandidateSelection {
        /** Sample from the per-instance Pareto front, weighted by how many instances each candidate leads (default). */
        PARETO,
        /** Always the candidate with the highest mean validation score. */
        CURRENT_BEST,
        /** The current best, except with probability {@link #epsilon(double) epsilon} a uniformly random candidate. */
        EPSILON_GREEDY,
        /** Pareto selection among the {@link #topK(int) k} candidates with the highest mean validation score. */
        TOP_K_PARETO
    }

    /** Which components (prompts) a proposal rewrites. */
    public enum ComponentSelection {
        /** One prompt per proposal, cycling through the prompts per candidate (default). */
        ROUND_ROBIN,
        /** Every prompt in each proposal. */
        ALL
    }

    /** When a child beats its parent on the shared minibatch. */
    public enum Acceptance {
        /** The child's minibatch sum must exceed the parent's (default). */
        STRICT_IMPROVEMENT,
        /** The child's minibatch sum must be at least the parent's. */
        IMPROVEMENT_OR_EQUAL
    }

    /**
     * What a Pareto front is kept over (the reference's {@code frontier_type}). An objective is a scorer (its
     * mean value over the validation set) or one of the optional {@link Objective}s.
     */
    public enum Frontier {
        /** One front per validation example, over the aggregated score (default, the paper's). */
        INSTANCE,
        /** One front per objective, over its mean on the validation set. */
        OBJECTIVE,
        /** The instance fronts and the objective fronts together. */
        HYBRID,
        /** One front per (validation example, objective) pair. */
        CARTESIAN
    }

    /** Objectives besides the scorers, for a front across quality and size. */
    public enum Objective {
        /**
         * The candidate's prompts, fewer tokens is better (an estimate: words and punctuation marks). A child
         * that ties its parent on the minibatch and is shorter is accepted, and among candidates of equal
         * validation score the shorter is the best.
         */
        PROMPT_TOKENS,
        /**
         * The dollars of an example's metered calls (its predict call and its judges, priced by the run's cost
         * table; {@link dev.promptopt.ExampleResult#usage()}), lower is better. Needs models wrapped by the run's
         * {@code UsageMeter}; an example whose calls were not metered has no value. A child that ties its parent
         * on the minibatch and costs less there is accepted, and among candidates of equal validation score (and
         * prompt length, when that objective is on too) the cheaper is the best.
         */
        COST_PER_EXAMPLE
    }

    private final LanguageModel reflectionModel;
    private final String reflectionModelUri;
    private final Long maxMetricCalls;
    private final Duration timeout;
    private final Path stopFile;
    private final Integer noImprovementIterations;
    private final Double scoreThreshold;
    private final boolean stopWhenPerfect;
    private final int reflectionMinibatchSize;
    private final CandidateSelection candidateSelection;
    private final double epsilon;
    private final int topK;
    private final ComponentSelection componentSelection;
    private final boolean skipPerfectScore;
    private final double perfectScore;
    private final Acceptance acceptance;
    private final boolean merge;
    private final int maxMerges;
    private final String reflectionTemplate;
    private final int parallelProposals;
    private final int speculativeEvaluations;
    private final boolean proposeDuringValidation;
    private final Double reflectionHedging;
    private final Executor proposalExecutor;
    private final Frontier frontier;
    private final EnumSet<Objective> objectives;

    GepaOptions() {
        this(new Draft());
    }

    private GepaOptions(Draft d) {
        reflectionModel = d.reflectionModel;
        reflectionModelUri = d.reflectionModelUri;
        maxMetricCalls = d.maxMetricCalls;
        timeout = d.timeout;
        stopFile = d.stopFile;
        noImprovementIterations = d.noImprovementIterations;
        scoreThreshold = d.scoreThreshold;
        stopWhenPerfect = d.stopWhenPerfect;
        reflectionMinibatchSize = d.reflectionMinibatchSize;
        candidateSelection = d.candidateSelection;
        epsilon = d.epsilon;
        topK = d.topK;
        componentSelection = d.componentSelection;
        skipPerfectScore = d.skipPerfectScore;
        perfectScore = d.perfectScore;
        acceptance = d.acceptance;
        merge = d.merge;
        maxMerges = d.maxMerges;
        reflectionTemplate = d.reflectionTemplate;
        parallelProposals = d.parallelProposals;
        speculativeEvaluations = d.speculativeEvaluations;
        proposeDuringValidation = d.proposeDuringValidation;
        reflectionHedging = d.reflectionHedging;
        proposalExecutor = d.proposalExecutor;
        frontier = d.frontier;
        objectives = d.objectives.clone();
    }

    /** A copy with {@code change} applied; the setters' one way to make a changed instance. */
    private GepaOptions with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new GepaOptions(d);
    }

    /** The values of an instance being made; never handed out. */
    private static final class Draft {
        LanguageModel reflectionModel;
        String reflectionModelUri;
        Long maxMetricCalls;
        Duration timeout;
        Path stopFile;
        Integer noImprovementIterations;
        Double scoreThreshold;
        boolean stopWhenPerfect = true;
        int reflectionMinibatchSize = 3;
        CandidateSelection candidateSelection = CandidateSelection.PARETO;
        double epsilon = 0.1;
        int topK = 5;
        ComponentSelection componentSelection = ComponentSelection.ROUND_ROBIN;
        boolean skipPerfectScore = true;
        double perfectScore = 1.0;
        Acceptance acceptance = Acceptance.STRICT_IMPROVEMENT;
        boolean merge;
        int maxMerges = 5;
        String reflectionTemplate;
        int parallelProposals = 1;
        int speculativeEvaluations = DEFAULT_SPECULATIVE_EVALUATIONS;
        boolean proposeDuringValidation = DEFAULT_PROPOSE_DURING_VALIDATION;
        Double reflectionHedging;
        Executor proposalExecutor;
        Frontier frontier = Frontier.INSTANCE;
        EnumSet<Objective> objectives = EnumSet.noneOf(Objective.class);

        Draft() {
        }

        Draft(GepaOptions o) {
            reflectionModel = o.reflectionModel;
            reflectionModelUri = o.reflectionModelUri;
            maxMetricCalls = o.maxMetricCalls;
            timeout = o.timeout;
            stopFile = o.stopFile;
            noImprovementIterations = o.noImprovementIterations;
            scoreThreshold = o.scoreThreshold;
            stopWhenPerfect = o.stopWhenPerfect;
            reflectionMinibatchSize = o.reflectionMinibatchSize;
            candidateSelection = o.candidateSelection;
            epsilon = o.epsilon;
            topK = o.topK;
            componentSelection = o.componentSelection;
            skipPerfectScore = o.skipPerfectScore;
            perfectScore = o.perfectScore;
            acceptance = o.acceptance;
            merge = o.merge;
            maxMerges = o.maxMerges;
            reflectionTemplate = o.reflectionTemplate;
            parallelProposals = o.parallelProposals;
            speculativeEvaluations = o.speculativeEvaluations;
            proposeDuringValidation = o.proposeDuringValidation;
            reflectionHedging = o.reflectionHedging;
            proposalExecutor = o.proposalExecutor;
            frontier = o.frontier;
            objectives = o.objectives.clone();
        }
    }

    /** The reference defaults; the same as {@link Gepa#options()}. */
    public static GepaOptions ofDefaults() {
        return new GepaOptions();
    }

    // ---- setters (each returns a copy) ----

    /** The model that reads feedback and writes new instructions. Required (this or the URI form). */
    public GepaOptions reflectionModel(LanguageModel model) {
        return with(d -> {
            d.reflectionModel = Objects.requireNonNull(model, "reflectionModel");
            d.reflectionModelUri = null;
        });
    }

    /** The reflection model as a {@code provider:/model} string, resolved on first use through {@code ModelProvider.resolve}. */
    public GepaOptions reflectionModel(String uri) {
        Objects.requireNonNull(uri, "reflectionModel");
        int sep = uri.indexOf(":/");
        if (sep <= 0 || sep + 2 >= uri.length()) {
            throw new IllegalArgumentException("reflectionModel: expected <provider>:/<model>, e.g. openai:/gpt-4o, found '" + uri + "'");
        }
        return with(d -> {
            d.reflectionModelUri = uri;
            d.reflectionModel = null;
        });
    }

    /** The most metric calls (examples scored) the run may spend; becomes part of {@link Gepa#budget()}. */
    public GepaOptions maxMetricCalls(long max) {
        if (max <= 0) {
            throw new IllegalArgumentException("maxMetricCalls must be > 0, found " + max);
        }
        return with(d -> d.maxMetricCalls = max);
    }

    /** The longest the run may take; becomes part of {@link Gepa#budget()}. */
    public GepaOptions timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, found " + timeout);
        }
        return with(d -> d.timeout = timeout);
    }

    /** The run stops before its next batch once this file exists; becomes part of {@link Gepa#budget()}. */
    public GepaOptions stopFile(Path file) {
        return with(d -> d.stopFile = Objects.requireNonNull(file, "stopFile"));
    }

    /** Stop after this many iterations in a row that did not raise the best mean validation score. */
    public GepaOptions noImprovementIterations(int iterations) {
        if (iterations <= 0) {
            throw new IllegalArgumentException("noImprovementIterations must be > 0, found " + iterations);
        }
        return with(d -> d.noImprovementIterations = iterations);
    }

    /** Stop once the best mean validation score reaches this value. */
    public GepaOptions scoreThreshold(double threshold) {
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("scoreThreshold must be a finite number, found " + threshold);
        }
        return with(d -> d.scoreThreshold = threshold);
    }

    /**
     * Stop once the best candidate has the {@link #perfectScore(double) perfect score} on every validation
     * instance (default true): nothing is left to gain, while the reference keeps spending calls.
     */
    public GepaOptions stopWhenPerfect(boolean stop) {
        return with(d -> d.stopWhenPerfect = stop);
    }

    /** Train examples per reflection minibatch (b, default 3). */
    public GepaOptions reflectionMinibatchSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("reflectionMinibatchSize must be > 0, found " + size);
        }
        return with(d -> d.reflectionMinibatchSize = size);
    }

    public GepaOptions candidateSelection(CandidateSelection selection) {
        return with(d -> d.candidateSelection = Objects.requireNonNull(selection, "candidateSelection"));
    }

    /** Exploration probability of {@link CandidateSelection#EPSILON_GREEDY} (default 0.1). */
    public GepaOptions epsilon(double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], found " + epsilon);
        }
        return with(d -> d.epsilon = epsilon);
    }

    /** How many top candidates {@link CandidateSelection#TOP_K_PARETO} keeps (default 5). */
    public GepaOptions topK(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("topK must be > 0, found " + k);
        }
        return with(d -> d.topK = k);
    }

    public GepaOptions componentSelection(ComponentSelection selection) {
        return with(d -> d.componentSelection = Objects.requireNonNull(selection, "componentSelection"));
    }

    /** Skip reflection when the parent is already perfect on its minibatch (default true). */
    public GepaOptions skipPerfectScore(boolean skip) {
        return with(d -> d.skipPerfectScore = skip);
    }

    /** The score that counts as perfect for one example (default 1.0). */
    public GepaOptions perfectScore(double score) {
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("perfectScore must be a finite number, found " + score);
        }
        return with(d -> d.perfectScore = score);
    }

    public GepaOptions acceptance(Acceptance acceptance) {
        return with(d -> d.acceptance = Objects.requireNonNull(acceptance, "acceptance"));
    }

    /** System-aware crossover of two candidates that improved different prompts (default off). */
    public GepaOptions merge(boolean merge) {
        return with(d -> d.merge = merge);
    }

    /** The most merges attempted in a run (default 5). */
    public GepaOptions maxMerges(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("maxMerges must be > 0, found " + max);
        }
        return with(d -> d.maxMerges = max);
    }

    /**
     * A custom reflection prompt. It must contain {@value #CURRENT_INSTRUCTION_SLOT} (the text being rewritten)
     * and {@value #EXAMPLES_SLOT} (inputs, outputs and feedback), and should ask for the new text inside a
     * {@code ```} block.
     */
    public GepaOptions reflectionTemplate(String template) {
        Objects.requireNonNull(template, "reflectionTemplate");
        StringBuilder missing = new StringBuilder();
        for (String slot : new String[] {CURRENT_INSTRUCTION_SLOT, EXAMPLES_SLOT}) {
            if (!template.contains(slot)) {
                missing.append(missing.length() == 0 ? "" : " and ").append(slot);
            }
        }
        if (missing.length() > 0) {
            throw new IllegalArgumentException("reflectionTemplate must contain " + missing + ", found: " + abbreviate(template));
        }
        return with(d -> d.reflectionTemplate = template);
    }

    /**
     * Up to {@code k} proposals (reflective or merge) in flight at once, each from a parent drawn from the
     * front, with its own minibatch; all share the run's concurrency limit, budget and cache. Proposals are
     * folded into the pool in proposal order, and proposal n starts once proposal n - k is folded (or, with
     * {@link #proposeDuringValidation(boolean)}, once the proposal before it has won its minibatch), so the same
     * seed and model answers give the same run whatever the thread timing. {@code 1} (default) is the sequential
     * algorithm of the paper.
     */
    public GepaOptions parallelProposals(int k) {
        if (k < 1 || k > 64) {
            throw new IllegalArgumentException("parallelProposals must be between 1 and 64, found " + k);
        }
        return with(d -> d.parallelProposals = k);
    }

    /**
     * With {@link #parallelProposals(int) parallel proposals}: how many proposals may evaluate their child on its
     * minibatch while an earlier proposal is still open, that is, could still add a candidate and so make their
     * parent leave the front (they are then dropped, and those metric calls are spent for nothing). {@code 0}:
     * a child is evaluated only once every earlier proposal is decided, which spends the fewest metric calls and
     * waits the most; {@code k - 1} or more: nothing waits. Parent minibatches and reflections never wait for
     * this; every proposal also waits while an earlier one has won its minibatch and is being validated. Waiting
     * changes when calls are made, never what a proposal decides. Default {@value #DEFAULT_SPECULATIVE_EVALUATIONS},
     * chosen by measurement (the README's benchmark of parallel proposals): with k = 8 it spends about 1.3 times
     * the metric calls of k = 1 where no limit spends 1.6 times, as fast to the best candidate with fixed latency
     * and slower with lognormal latency unless calls are hedged; {@code 0} waits the most.
     */
    public GepaOptions speculativeEvaluations(int n) {
        if (n < 0 || n > 63) {
            throw new IllegalArgumentException("speculativeEvaluations must be between 0 and 63, found " + n);
        }
        return with(d -> d.speculativeEvaluations = n);
    }

    /** The default of {@link #speculativeEvaluations(int)}. */
    public static final int DEFAULT_SPECULATIVE_EVALUATIONS = 1;

    /**
     * With {@link #parallelProposals(int) parallel proposals}: once the next proposal to be folded has won its
     * minibatch, its child will join the pool, so while that child is validated the next proposals already start
     * from it (parent minibatch and reflection), instead of after its fold. Their parent is then drawn from the
     * front when the child is folded, as for any proposal; a proposal whose draw falls on another candidate is
     * dropped (its calls were spent for nothing). Their child's minibatch waits for that draw. A child perfect on
     * its minibatch starts nothing early when {@link #stopWhenPerfect(boolean)} is on: its validation may end the
     * run. Default {@value #DEFAULT_PROPOSE_DURING_VALIDATION}, chosen by measurement (the README's benchmark of
     * parallel proposals): with k = 8 hedged at p90 and fixed latency, 2.39 s to the best candidate against 2.59 s
     * without it, at 236 against 240 metric calls (10 seeds); {@code false} starts proposals only from the pool as
     * folded.
     */
    public GepaOptions proposeDuringValidation(boolean propose) {
        return with(d -> d.proposeDuringValidation = propose);
    }

    /** The default of {@link #proposeDuringValidation(boolean)}. */
    public static final boolean DEFAULT_PROPOSE_DURING_VALIDATION = true;

    /**
     * Hedged reflection calls: a reflection still unanswered after {@code percentile} of the run's recent
     * reflection latencies gets a second request, and a third one delay later if neither has answered; the first
     * answer wins and the other requests are interrupted (the run's
     * {@code PromptOptimizer.Builder#hedging} covers predict calls; the reflection model is GEPA's own). A
     * reflection lies on its proposal's path, and with parallel proposals folded in order, on the path of the
     * proposals after it: one slow or retried reflection holds them all. No hedge before 5 reflections were
     * timed (reflections a model client retried are not timed, as for predict calls); the extra requests are
     * counted in {@link GepaStats#hedgedReflections()}. Which answer wins depends on timing, and the run then goes
     * on from the answer it got (kept in the checkpoint). Off by default.
     *
     * <pre>{@code
     * Gepa.options().reflectionModel(model).parallelProposals(8).reflectionHedging(0.9)
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code percentile} is outside [0.5, 1)
     */
    public GepaOptions reflectionHedging(double percentile) {
        if (!(percentile >= 0.5 && percentile < 1)) {
            throw new IllegalArgumentException("reflectionHedging must be a percentile in [0.5, 1), found " + percentile);
        }
        return with(d -> d.reflectionHedging = percentile);
    }

    /**
     * Where proposals run when {@link #parallelProposals(int)} is above 1 (one task per proposal; a task
     * blocks on its evaluations). Default: a virtual thread per proposal when the runtime has them, else a
     * daemon thread pool. Tests pass their own to control the order in which proposals progress.
     */
    public GepaOptions proposalExecutor(Executor executor) {
        return with(d -> d.proposalExecutor = Objects.requireNonNull(executor, "proposalExecutor"));
    }

    /** What the Pareto fronts are kept over; default {@link Frontier#INSTANCE}. */
    public GepaOptions frontier(Frontier frontier) {
        return with(d -> d.frontier = Objects.requireNonNull(frontier, "frontier"));
    }

    /** Objectives besides the scorers (replaces earlier ones); none by default. */
    public GepaOptions objectives(Objective... objectives) {
        return with(d -> {
            d.objectives = EnumSet.noneOf(Objective.class);
            for (Objective o : objectives) {
                d.objectives.add(Objects.requireNonNull(o, "objective"));
            }
        });
    }

    public int parallelProposals() {
        return parallelProposals;
    }

    public int speculativeEvaluations() {
        return speculativeEvaluations;
    }

    public boolean proposeDuringValidation() {
        return proposeDuringValidation;
    }

    /** The percentile after which a reflection call is hedged; empty when it is not ({@link #reflectionHedging(double)}). */
    public OptionalDouble reflectionHedging() {
        return reflectionHedging == null ? OptionalDouble.empty() : OptionalDouble.of(reflectionHedging);
    }

    public Optional<Executor> proposalExecutor() {
        return Optional.ofNullable(proposalExecutor);
    }

    public Frontier frontier() {
        return frontier;
    }

    public Set<Objective> objectives() {
        return java.util.Collections.unmodifiableSet(objectives.clone());
    }

    public Optional<LanguageModel> reflectionModel() {
        return Optional.ofNullable(reflectionModel);
    }

    public Optional<String> reflectionModelUri() {
        return Optional.ofNullable(reflectionModelUri);
    }

    public Optional<Long> maxMetricCalls() {
        return Optional.ofNullable(maxMetricCalls);
    }

    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    public Optional<Path> stopFile() {
        return Optional.ofNullable(stopFile);
    }

    public Optional<Integer> noImprovementIterations() {
        return Optional.ofNullable(noImprovementIterations);
    }

    public Optional<Double> scoreThreshold() {
        return Optional.ofNullable(scoreThreshold);
    }

    public boolean stopWhenPerfect() {
        return stopWhenPerfect;
    }

    public int reflectionMinibatchSize() {
        return reflectionMinibatchSize;
    }

    public CandidateSelection candidateSelection() {
        return candidateSelection;
    }

    public double epsilon() {
        return epsilon;
    }

    public int topK() {
        return topK;
    }

    public ComponentSelection componentSelection() {
        return componentSelection;
    }

    public boolean skipPerfectScore() {
        return skipPerfectScore;
    }

    public double perfectScore() {
        return perfectScore;
    }

    public Acceptance acceptance() {
        return acceptance;
    }

    public boolean merge() {
        return merge;
    }

    public int maxMerges() {
        return maxMerges;
    }

    /** The custom reflection template, if one was set. */
    public Optional<String> reflectionTemplate() {
        return Optional.ofNullable(reflectionTemplate);
    }

    /** The limits among these options, if any. */
    public Optional<Budget> budget() {
        if (maxMetricCalls == null && timeout == null && stopFile == null) {
            return Optional.empty();
        }
        return Optional.of(new Budget(maxMetricCalls, timeout, stopFile));
    }

    /** Conflicts between options; called when a {@link Gepa} is built. */
    void checkConsistent() {
        if (scoreThreshold != null && scoreThreshold > perfectScore) {
            throw new IllegalStateException("scoreThreshold (" + scoreThreshold + ") is above perfectScore ("
                    + perfectScore + "): the run could never reach it");
        }
    }

    /** The options as plain values for the result record (the model by name). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reflectionModel", reflectionModel != null ? reflectionModel.name() : Secrets.redact(reflectionModelUri));
        m.put("maxMetricCalls", maxMetricCalls);
        m.put("timeout", timeout == null ? null : timeout.toString());
        m.put("stopFile", stopFile == null ? null : stopFile.toString());
        m.put("noImprovementIterations", noImprovementIterations);
        m.put("scoreThreshold", scoreThreshold);
        m.put("stopWhenPerfect", stopWhenPerfect);
        m.put("reflectionMinibatchSize", reflectionMinibatchSize);
        m.put("candidateSelection", candidateSelection.name().toLowerCase(Locale.ROOT));
        if (candidateSelection == CandidateSelection.EPSILON_GREEDY) {
            m.put("epsilon", epsilon);
        }
        if (candidateSelection == CandidateSelection.TOP_K_PARETO) {
            m.put("topK", topK);
        }
        m.put("componentSelection", componentSelection.name().toLowerCase(Locale.ROOT));
        m.put("skipPerfectScore", skipPerfectScore);
        m.put("perfectScore", perfectScore);
        m.put("acceptance", acceptance.name().toLowerCase(Locale.ROOT));
        m.put("merge", merge);
        if (merge) {
            m.put("maxMerges", maxMerges);
        }
        m.put("customReflectionTemplate", reflectionTemplate != null);
        if (parallelProposals != 1) {
            m.put("parallelProposals", parallelProposals);
            m.put("speculativeEvaluations", speculativeEvaluations);
            m.put("proposeDuringValidation", proposeDuringValidation);
        }
        if (reflectionHedging != null) {
            m.put("reflectionHedging", reflectionHedging);
        }
        if (frontier != Frontier.INSTANCE) {
            m.put("frontier", frontier.name().toLowerCase(Locale.ROOT));
        }
        if (!objectives.isEmpty()) {
            List<String> names = new ArrayList<>();
            objectives.forEach(o -> names.add(o.name().toLowerCase(Locale.ROOT)));
            m.put("objectives", names);
        }
        return m;
    }

    @Override
    public String toString() {
        return "GepaOptions" + describe();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 77) + "...'";
    }
}
