package dev.promptopt.fewshot;

import dev.promptopt.Budget;
import dev.promptopt.CandidateRecord;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.OptimizationContext;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationStoppedException;
import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Rng;
import dev.promptopt.StopReason;
import dev.promptopt.fewshot.internal.Texts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Few-shot demonstrations optimizer: it collects demonstrations from the training data (their reference outputs,
 * or the target model's own outputs that pass the scorers), draws random demonstration sets with a seeded RNG
 * (which examples, how many, in what order), and picks the best set by successive halving on the validation set:
 * every set is scored on a few validation examples, the better half goes on to twice as many, until one set is
 * left or the whole validation set is used. The seed itself (no demonstrations) competes too, so the winner is
 * never worse than the seed on what it was measured on. The winner is written into the template
 * ({@link Demonstrations}), so a plain {@code format()} of the registered version reproduces it.
 *
 * <p>No model but the target is needed, which makes it the optimizer for small models that can neither judge
 * nor reflect. Every set is checked with {@link OptimizationContext#candidateProblems} (variables, locked
 * sections, maximum prompt length) before a call is spent on it. The number of sets shrinks to what the run's
 * metric-call budget can pay for. State is checkpointed after every round; a resumed run re-scores nothing
 * (the engine's cache holds every pair already scored).
 *
 * <pre>{@code
 * PromptOptimizer.builder()...
 *     .optimizer(new FewShot(FewShotOptions.ofDefaults().maxDemos(6).outputPrefix("Sentiment: ")))
 *     .budget(Budget.metricCalls(200))
 *     .run();
 * }</pre>
 */
public final class FewShot implements Optimizer {
    private static final Logger log = LoggerFactory.getLogger(FewShot.class);

    /** The checkpointed state: the demonstration pool, the drawn sets (indices into the pool) and rounds done. */
    public record State(List<Demonstration> pool, List<List<Integer>> sets, int roundsDone) {
        public State {
            pool = List.copyOf(pool);
            sets = sets.stream().map(List::copyOf).toList();
        }
    }

    private final FewShotOptions options;
    private final String promptName;

    /** Demonstrations for every prompt of the run (each prompt gets the same examples, rendered its own way). */
    public FewShot(FewShotOptions options) {
        this(options, null);
    }

    /** Demonstrations for one prompt of the run; the others stay as they are. */
    public FewShot(FewShotOptions options, String promptName) {
        this.options = Objects.requireNonNull(options, "options");
        this.promptName = promptName;
    }

    /** With default options. */
    public FewShot() {
        this(FewShotOptions.ofDefaults());
    }

    public FewShotOptions options() {
        return options;
    }

    @Override
    public String name() {
        return "fewshot";
    }

    @Override
    public Optional<Budget> budget() {
        return options.maxMetricCalls() > 0 ? Optional.of(Budget.metricCalls(options.maxMetricCalls())) : Optional.empty();
    }

    @Override
    public List<String> validate(OptimizationContext ctx) {
        List<String> problems = new ArrayList<>();
        if (promptName != null && !ctx.seed().names().contains(promptName)) {
            problems.add("no prompt named '" + promptName + "' in this run; the prompts are " + ctx.seed().names());
        }
        long withReference = ctx.trainData().examples().stream().filter(e -> e.referenceOutput() != null).count();
        if (options.source() == FewShotOptions.DemoSource.REFERENCE_OUTPUTS && withReference == 0) {
            problems.add("source REFERENCE_OUTPUTS: no training example has a reference output (outputs or "
                    + "expectations.expected_response); use PASSING_OUTPUTS or AUTO");
        }
        return problems;
    }

    @Override
    public OptimizerOutcome optimize(OptimizationContext ctx) {
        State state = ctx.restore(State.class).orElse(null);
        if (state == null) {
            List<Demonstration> pool;
            try {
                pool = pool(ctx);
            } catch (OptimizationStoppedException e) {
                return seedOnly(ctx, e.reason());
            }
            if (pool.isEmpty()) {
                return seedOnly(ctx, StopReason.completed("no demonstration available: no training example has a "
                        + "reference output or a passing model output"));
            }
            state = new State(pool, drawSets(ctx, pool.size()), 0);
            ctx.checkpoint(state);
        }
        return search(ctx, state);
    }

    private OptimizerOutcome search(OptimizationContext ctx, State state) {
        List<Candidate> valid = new ArrayList<>();
        valid.add(new Candidate(0, List.of(), ctx.seed()));
        for (int i = 0; i < state.sets().size(); i++) {
            List<Demonstration> demos = state.sets().get(i).stream().map(state.pool()::get).toList();
            PromptSet candidate = withDemos(ctx.seed(), demos);
            ctx.emit(new OptimizationEvent.CandidateProposed(0, List.of(0), "fewshot", candidate));
            List<String> problems = ctx.candidateProblems(candidate);
            if (!problems.isEmpty()) {
                ctx.emit(new OptimizationEvent.CandidateRejected(0, "demonstration set " + (i + 1) + ": "
                        + String.join("; ", problems)));
                continue;
            }
            valid.add(new Candidate(i + 1, demos, candidate));
        }
        List<Example> order = validationOrder(ctx);
        List<Integer> sizes = sizes(order.size(), valid.size());
        List<Candidate> survivors = valid;
        Map<Integer, EvaluationBatch> lastScores = new LinkedHashMap<>();
        List<Candidate> ranking = List.of(valid.get(0));
        StopReason stop = StopReason.completed("successive halving finished");
        int round = 0;
        try {
            for (; round < sizes.size(); round++) {
                ctx.emit(new OptimizationEvent.IterationStarted(round + 1));
                List<Example> examples = order.subList(0, sizes.get(round));
                Map<Integer, EvaluationBatch> scores = evaluateAll(ctx, survivors, examples);
                for (Candidate c : survivors) {
                    ctx.emit(new OptimizationEvent.CandidateEvaluated(round + 1, "round-" + (round + 1), examples.size(),
                            scores.get(c.index()).mean(), ctx.evaluator().metricCallsUsed()));
                }
                ranking = rank(survivors, scores);
                lastScores = scores;
                if (round > state.roundsDone() - 1) {
                    ctx.checkpoint(new State(state.pool(), state.sets(), round + 1));
                }
                if (round == sizes.size() - 1 || ranking.size() == 1) {
                    break;
                }
                survivors = ranking.subList(0, (ranking.size() + 1) / 2);
            }
        } catch (OptimizationStoppedException e) {
            stop = e.reason();
        }
        Candidate best = ranking.get(0);
        List<CandidateRecord> records = new ArrayList<>();
        Map<String, Double> seedScores = lastScores.containsKey(0) ? lastScores.get(0).scoresById() : Map.of();
        records.add(new CandidateRecord(0, ctx.seed(), List.of(), "seed",
                lastScores.containsKey(0) ? lastScores.get(0).mean() : 0.0, seedScores, 0));
        int bestIndex = 0;
        for (Candidate c : ranking) {
            if (c.index() == 0 || !lastScores.containsKey(c.index())) {
                continue;
            }
            EvaluationBatch b = lastScores.get(c.index());
            records.add(new CandidateRecord(records.size(), c.templates(), List.of(0), "fewshot:" + c.demos().size()
                    + " demos", b.mean(), b.scoresById(), ctx.evaluator().metricCallsUsed()));
            if (c == best) {
                bestIndex = records.size() - 1;
            }
        }
        if (best.index() != 0 && lastScores.containsKey(best.index())) {
            ctx.emit(new OptimizationEvent.CandidateAccepted(round + 1, bestIndex, List.of(0),
                    lastScores.get(best.index()).mean(), true));
        }
        FewShotStats stats = new FewShotStats(state.pool().size(), state.sets().size(), valid.size() - 1,
                Math.min(round + 1, sizes.size()), best.demos().stream().map(Demonstration::exampleId).toList());
        log.info("fewshot: {} of {} sets valid, best has {} demonstrations {}", valid.size() - 1, state.sets().size(),
                best.demos().size(), stats.chosenDemonstrations());
        return new OptimizerOutcome(best.templates(), records, bestIndex, stop, stats);
    }

    private record Candidate(int index, List<Demonstration> demos, PromptSet templates) {
    }

    /**
     * One batch per candidate, one after the other: the budget is checked before each, so a run overshoots its
     * budget by at most one candidate's batch (the examples of the round run concurrently up to the run's limit).
     */
    private static Map<Integer, EvaluationBatch> evaluateAll(OptimizationContext ctx, List<Candidate> candidates,
                                                             List<Example> examples) {
        Map<Integer, EvaluationBatch> out = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            out.put(c.index(), ctx.evaluator().evaluate(c.templates(), examples));
        }
        return out;
    }

    /** Best mean first; ties go to fewer demonstrations (a shorter prompt), then to the earlier set. */
    private static List<Candidate> rank(List<Candidate> candidates, Map<Integer, EvaluationBatch> scores) {
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.<Candidate>comparingDouble(c -> -scores.get(c.index()).mean())
                .thenComparingInt(c -> c.demos().size())
                .thenComparingInt(Candidate::index));
        return sorted;
    }

    /**
     * Examples per round: the first round scores every set on n0 examples, each later round doubles that, and the
     * last uses the whole validation set.
     */
    static List<Integer> roundSizes(int validationSize, int candidates) {
        int halvings = 0;
        while ((1 << halvings) < candidates) {
            halvings++;
        }
        int n0 = Math.max(Math.min(validationSize, 4), (int) Math.ceil(validationSize / (double) (1 << halvings)));
        return sizesFrom(validationSize, candidates, n0);
    }

    /** New metric calls a search over {@code candidates} sets (plus the already-scored seed) needs at most. */
    static long cost(int validationSize, int candidates, int firstRound) {
        List<Integer> sizes = firstRound > 0 ? sizesFrom(validationSize, candidates + 1, firstRound)
                : roundSizes(validationSize, candidates + 1);
        long calls = 0;
        int survivors = candidates; // the seed's scores are cached from the baseline
        int previous = 0;
        for (int n : sizes) {
            calls += (long) survivors * (n - previous);
            previous = n;
            survivors = Math.max(1, (survivors + 1) / 2);
        }
        return calls;
    }

    private static List<Integer> sizesFrom(int validationSize, int candidates, int n0) {
        List<Integer> sizes = new ArrayList<>();
        int n = Math.min(n0, validationSize);
        int survivors = candidates;
        while (true) {
            sizes.add(Math.min(n, validationSize));
            if (n >= validationSize || survivors <= 1) {
                break;
            }
            survivors = (survivors + 1) / 2;
            n *= 2;
        }
        return sizes;
    }

    private List<Integer> sizes(int validationSize, int candidates) {
        return options.firstRoundSize() > 0 ? sizesFrom(validationSize, candidates, options.firstRoundSize())
                : roundSizes(validationSize, candidates);
    }

    private List<Example> validationOrder(OptimizationContext ctx) {
        List<Example> order = new ArrayList<>(ctx.validationData().examples());
        // Its own generator from the run's seed: the order is the same on resume whatever the run's RNG did.
        Rng.seeded(ctx.randomSeed() ^ 0x5DEECE66DL).shuffle(order);
        return order;
    }

    private List<List<Integer>> drawSets(OptimizationContext ctx, int poolSize) {
        int wanted = options.candidateSets();
        Long max = ctx.budget().maxMetricCalls();
        if (max != null) {
            long left = max - ctx.evaluator().metricCallsUsed();
            int v = ctx.validationData().size();
            while (wanted > 1 && cost(v, wanted, options.firstRoundSize()) > left) {
                wanted--;
            }
            if (wanted < options.candidateSets()) {
                log.info("fewshot: the budget ({} metric calls left) pays for {} of {} demonstration sets", left, wanted,
                        options.candidateSets());
            }
        }
        Rng rng = ctx.random();
        int hi = Math.min(options.maxDemos(), poolSize);
        int lo = Math.min(options.minDemos(), hi);
        List<List<Integer>> sets = new ArrayList<>();
        Set<List<Integer>> seen = new HashSet<>();
        int attempts = 0;
        while (sets.size() < wanted && attempts < wanted * 20) {
            attempts++;
            int size = lo + rng.nextInt(hi - lo + 1);
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < poolSize; i++) {
                all.add(i);
            }
            rng.shuffle(all);
            List<Integer> set = List.copyOf(all.subList(0, size));
            if (seen.add(set)) {
                sets.add(set);
            }
        }
        return sets;
    }

    private List<Demonstration> pool(OptimizationContext ctx) {
        Set<String> validationKeys = new HashSet<>();
        for (Example e : ctx.validationData().examples()) {
            validationKeys.add(key(e));
        }
        List<Example> train = ctx.trainData().examples();
        List<Example> candidates = train.stream().filter(e -> !validationKeys.contains(key(e))).toList();
        if (candidates.isEmpty()) {
            log.warn("fewshot: every training example is also a validation example; demonstrations will be scored on "
                    + "examples they show the answer to (give separate validation data for an honest score)");
            candidates = train;
        }
        boolean useReferences = switch (options.source()) {
            case REFERENCE_OUTPUTS -> true;
            case PASSING_OUTPUTS -> false;
            case AUTO -> candidates.stream().anyMatch(e -> e.referenceOutput() != null);
        };
        List<Demonstration> pool = new ArrayList<>();
        if (useReferences) {
            for (Example e : candidates) {
                if (e.referenceOutput() != null) {
                    pool.add(new Demonstration(e.id(), e.inputs(), Texts.of(e.referenceOutput())));
                }
            }
            return pool;
        }
        EvaluationBatch b = ctx.evaluator().evaluate(ctx.seed(), candidates);
        ctx.emit(new OptimizationEvent.CandidateEvaluated(0, "bootstrap", candidates.size(), b.mean(),
                ctx.evaluator().metricCallsUsed()));
        for (ExampleResult r : b.results()) {
            if (!r.failed() && r.output() != null && r.score() >= options.passingScore()) {
                pool.add(new Demonstration(r.example().id(), r.example().inputs(), Texts.of(r.output())));
            }
        }
        return pool;
    }

    private static String key(Example e) {
        return e.id() + "\u0000" + e.inputs();
    }

    private PromptSet withDemos(PromptSet seed, List<Demonstration> demos) {
        PromptSet out = seed;
        for (Map.Entry<String, PromptTemplate> e : seed.asMap().entrySet()) {
            if (promptName == null || promptName.equals(e.getKey())) {
                out = out.with(e.getKey(), Demonstrations.write(e.getValue(), demos, options.outputPrefix()));
            }
        }
        return out;
    }

    private static OptimizerOutcome seedOnly(OptimizationContext ctx, StopReason reason) {
        EvaluationBatch b = ctx.evaluator().evaluate(ctx.seed(), ctx.validationData().examples()); // the baseline: cached
        CandidateRecord seed = new CandidateRecord(0, ctx.seed(), List.of(), "seed", b.mean(), b.scoresById(), 0);
        return new OptimizerOutcome(ctx.seed(), List.of(seed), 0, reason);
    }
}
