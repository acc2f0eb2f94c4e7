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
import java.util.Set;
import java.util.concurrent.Executor;

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

    private LanguageModel reflectionModel;
    private String reflectionModelUri;
    private Long maxMetricCalls;
    private Duration timeout;
    private Path stopFile;
    private Integer noImprovementIterations;
    private Double scoreThreshold;
    private boolean stopWhenPerfect = true;
    private int reflectionMinibatchSize = 3;
    private CandidateSelection candidateSelection = CandidateSelection.PARETO;
    private double epsilon = 0.1;
    private int topK = 5;
    private ComponentSelection componentSelection = ComponentSelection.ROUND_ROBIN;
    private boolean skipPerfectScore = true;
    private double perfectScore = 1.0;
    private Acceptance acceptance = Acceptance.STRICT_IMPROVEMENT;
    private boolean merge;
    private int maxMerges = 5;
    private String reflectionTemplate;
    private int parallelProposals = 1;
    private Executor proposalExecutor;
    private Frontier frontier = Frontier.INSTANCE;
    private EnumSet<Objective> objectives = EnumSet.noneOf(Objective.class);

    GepaOptions() {
    }

    private GepaOptions(GepaOptions o) {
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
        proposalExecutor = o.proposalExecutor;
        frontier = o.frontier;
        objectives = o.objectives.clone();
    }

    /** The reference defaults; the same as {@link Gepa#options()}. */
    public static GepaOptions ofDefaults() {
        return new GepaOptions();
    }

    // ---- setters (each returns a copy) ----

    /** The model that reads feedback and writes new instructions. Required (this or the URI form). */
    public GepaOptions reflectionModel(LanguageModel model) {
        GepaOptions c = new GepaOptions(this);
        c.reflectionModel = Objects.requireNonNull(model, "reflectionModel");
        c.reflectionModelUri = null;
        return c;
    }

    /** The reflection model as a {@code provider:/model} string, resolved on first use through {@code ModelProvider.resolve}. */
    public GepaOptions reflectionModel(String uri) {
        Objects.requireNonNull(uri, "reflectionModel");
        int sep = uri.indexOf(":/");
        if (sep <= 0 || sep + 2 >= uri.length()) {
            throw new IllegalArgumentException("reflectionModel: expected <provider>:/<model>, e.g. openai:/gpt-4o, found '" + uri + "'");
        }
        GepaOptions c = new GepaOptions(this);
        c.reflectionModelUri = uri;
        c.reflectionModel = null;
        return c;
    }

    /** The most metric calls (examples scored) the run may spend; becomes part of {@link Gepa#budget()}. */
    public GepaOptions maxMetricCalls(long max) {
        if (max <= 0) {
            throw new IllegalArgumentException("maxMetricCalls must be > 0, found " + max);
        }
        GepaOptions c = new GepaOptions(this);
        c.maxMetricCalls = max;
        return c;
    }

    /** The longest the run may take; becomes part of {@link Gepa#budget()}. */
    public GepaOptions timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, found " + timeout);
        }
        GepaOptions c = new GepaOptions(this);
        c.timeout = timeout;
        return c;
    }

    /** The run stops before its next batch once this file exists; becomes part of {@link Gepa#budget()}. */
    public GepaOptions stopFile(Path file) {
        GepaOptions c = new GepaOptions(this);
        c.stopFile = Objects.requireNonNull(file, "stopFile");
        return c;
    }

    /** Stop after this many iterations in a row that did not raise the best mean validation score. */
    public GepaOptions noImprovementIterations(int iterations) {
        if (iterations <= 0) {
            throw new IllegalArgumentException("noImprovementIterations must be > 0, found " + iterations);
        }
        GepaOptions c = new GepaOptions(this);
        c.noImprovementIterations = iterations;
        return c;
    }

    /** Stop once the best mean validation score reaches this value. */
    public GepaOptions scoreThreshold(double threshold) {
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("scoreThreshold must be a finite number, found " + threshold);
        }
        GepaOptions c = new GepaOptions(this);
        c.scoreThreshold = threshold;
        return c;
    }

    /**
     * Stop once the best candidate has the {@link #perfectScore(double) perfect score} on every validation
     * instance (default true): nothing is left to gain, while the reference keeps spending calls.
     */
    public GepaOptions stopWhenPerfect(boolean stop) {
        GepaOptions c = new GepaOptions(this);
        c.stopWhenPerfect = stop;
        return c;
    }

    /** Train examples per reflection minibatch (b, default 3). */
    public GepaOptions reflectionMinibatchSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("reflectionMinibatchSize must be > 0, found " + size);
        }
        GepaOptions c = new GepaOptions(this);
        c.reflectionMinibatchSize = size;
        return c;
    }

    public GepaOptions candidateSelection(CandidateSelection selection) {
        GepaOptions c = new GepaOptions(this);
        c.candidateSelection = Objects.requireNonNull(selection, "candidateSelection");
        return c;
    }

    /** Exploration probability of {@link CandidateSelection#EPSILON_GREEDY} (default 0.1). */
    public GepaOptions epsilon(double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], found " + epsilon);
        }
        GepaOptions c = new GepaOptions(this);
        c.epsilon = epsilon;
        return c;
    }

    /** How many top candidates {@link CandidateSelection#TOP_K_PARETO} keeps (default 5). */
    public GepaOptions topK(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("topK must be > 0, found " + k);
        }
        GepaOptions c = new GepaOptions(this);
        c.topK = k;
        return c;
    }

    public GepaOptions componentSelection(ComponentSelection selection) {
        GepaOptions c = new GepaOptions(this);
        c.componentSelection = Objects.requireNonNull(selection, "componentSelection");
        return c;
    }

    /** Skip reflection when the parent is already perfect on its minibatch (default true). */
    public GepaOptions skipPerfectScore(boolean skip) {
        GepaOptions c = new GepaOptions(this);
        c.skipPerfectScore = skip;
        return c;
    }

    /** The score that counts as perfect for one example (default 1.0). */
    public GepaOptions perfectScore(double score) {
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("perfectScore must be a finite number, found " + score);
        }
        GepaOptions c = new GepaOptions(this);
        c.perfectScore = score;
        return c;
    }

    public GepaOptions acceptance(Acceptance acceptance) {
        GepaOptions c = new GepaOptions(this);
        c.acceptance = Objects.requireNonNull(acceptance, "acceptance");
        return c;
    }

    /** System-aware crossover of two candidates that improved different prompts (default off). */
    public GepaOptions merge(boolean merge) {
        GepaOptions c = new GepaOptions(this);
        c.merge = merge;
        return c;
    }

    /** The most merges attempted in a run (default 5). */
    public GepaOptions maxMerges(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("maxMerges must be > 0, found " + max);
        }
        GepaOptions c = new GepaOptions(this);
        c.maxMerges = max;
        return c;
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
        GepaOptions c = new GepaOptions(this);
        c.reflectionTemplate = template;
        return c;
    }

    // ---- getters ----

    /** The model given as an object, if any (a URI is resolved by {@link Gepa}). */
    /**
     * Up to {@code k} proposals (reflective or merge) in flight at once, each from a parent drawn from the
     * front as it stood when the proposal started, with its own minibatch; all share the run's concurrency
     * limit, budget and cache. Proposals are folded into the pool in proposal order, and proposal n starts
     * once proposal n - k is folded, so the same seed and model answers give the same run whatever the
     * thread timing. {@code 1} (default) is the sequential algorithm of the paper.
     */
    public GepaOptions parallelProposals(int k) {
        if (k < 1 || k > 64) {
            throw new IllegalArgumentException("parallelProposals must be between 1 and 64, found " + k);
        }
        GepaOptions c = new GepaOptions(this);
        c.parallelProposals = k;
        return c;
    }

    /**
     * Where proposals run when {@link #parallelProposals(int)} is above 1 (one task per proposal; a task
     * blocks on its evaluations). Default: a virtual thread per proposal when the runtime has them, else a
     * daemon thread pool. Tests pass their own to control the order in which proposals progress.
     */
    public GepaOptions proposalExecutor(Executor executor) {
        GepaOptions c = new GepaOptions(this);
        c.proposalExecutor = Objects.requireNonNull(executor, "proposalExecutor");
        return c;
    }

    /** What the Pareto fronts are kept over; default {@link Frontier#INSTANCE}. */
    public GepaOptions frontier(Frontier frontier) {
        GepaOptions c = new GepaOptions(this);
        c.frontier = Objects.requireNonNull(frontier, "frontier");
        return c;
    }

    /** Objectives besides the scorers (replaces earlier ones); none by default. */
    public GepaOptions objectives(Objective... objectives) {
        GepaOptions c = new GepaOptions(this);
        c.objectives = EnumSet.noneOf(Objective.class);
        for (Objective o : objectives) {
            c.objectives.add(Objects.requireNonNull(o, "objective"));
        }
        return c;
    }

    public int parallelProposals() {
        return parallelProposals;
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
