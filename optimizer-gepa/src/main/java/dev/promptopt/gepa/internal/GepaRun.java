package dev.promptopt.gepa.internal;

import dev.promptopt.CandidateRecord;
import dev.promptopt.ChatMessage;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.OptimizationContext;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationStoppedException;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Rng;
import dev.promptopt.Secrets;
import dev.promptopt.StopReason;
import dev.promptopt.SystemicFailureException;
import dev.promptopt.gepa.GepaOptions;
import dev.promptopt.gepa.GepaStats;
import dev.promptopt.spi.TaskExecutors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GEPA run: the loop of reference/gepa.md over a {@link GepaState}, with up to
 * {@link GepaOptions#parallelProposals() k} proposals in flight.
 *
 * <p>Determinism: a proposal's random choices (merge or reflection, parent, minibatch, components) are drawn
 * when it starts, on the run's thread, from the state as it stood after folding every earlier proposal up to
 * number n - k; proposals are folded into the pool strictly in proposal order. What a proposal does between
 * start and fold depends only on those choices and on the model's answers, so the same seed and answers give
 * the same candidates whatever the thread timing. With k = 1 this is the sequential algorithm.
 *
 * <p>Resume: every step that spends calls (an evaluation batch or a reflection call) is followed by a
 * checkpoint of the whole state, in-flight proposals included, and every decision already taken is kept in
 * the proposal's {@link GepaState.Pending}, so a resumed run continues each pending proposal at the step
 * where it stopped and repeats at most the calls that were in flight when it died.
 *
 * <p>Threads: shared state (the pool, the RNG, the in-flight proposals) is read and written only under one
 * lock; model calls and evaluations happen outside it.
 */
public final class GepaRun {
    private static final Logger log = LoggerFactory.getLogger(GepaRun.class);
    /**
     * Iterations in a row without a new metric call after which the search is over: cached minibatches and
     * proposals that repeat existing candidates cost no metric call, so without this the budget would never
     * run out while the reflection model is called again and again.
     */
    static final int STALL_LIMIT = 20;
    // The stall stop waits while a candidate the selection can draw has train examples it was never scored on;
    // 10 x STALL_LIMIT stalled iterations end the run regardless (selection is random and may keep missing them).
    /**
     * Reflection calls in a row that failed (after the model client's retries) before the run stops as a systemic
     * failure; a single failed reflection gives up its proposal only.
     */
    static final int REFLECTION_FAILURE_LIMIT = 3;

    private final OptimizationContext ctx;
    private final GepaOptions options;
    private final LanguageModel reflector;
    /** Null when reflection calls are not hedged. */
    private final HedgedReflections hedgedReflections;
    private final Rng rng;
    private final List<String> promptNames;
    private final Map<String, Example> trainById = new LinkedHashMap<>();
    private final Map<String, Example> valById = new LinkedHashMap<>();
    private final String template;
    private final int parallel;
    private final Object lock = new Object();
    /** Proposal number -> its task, for proposals running on the executor. */
    private final Map<Integer, CompletableFuture<Void>> tasks = new ConcurrentHashMap<>();
    /** Set when the run ends while proposals are still running: they stop at their next step. */
    private volatile boolean abandon;
    /** A parked proposal's completion, and whether it waits to evaluate its child (or to spend any call). */
    private record Parking(CompletableFuture<Void> done, boolean childMinibatch) {
    }

    /** Parked proposals, waiting for their turn; under the lock. */
    private final Map<GepaState.Pending, Parking> parked = new LinkedHashMap<>();
    /** Proposals dropped as stale while in flight: they stop at their next step. */
    private final java.util.Set<Integer> dropped = ConcurrentHashMap.newKeySet();
    /** Completed when a proposal wins its minibatch ({@link GepaOptions#proposeDuringValidation()}). */
    private final Map<Integer, CompletableFuture<Void>> wins = new ConcurrentHashMap<>();
    private final boolean proposeDuringValidation;
    /** The first failure of a proposal that is not a stop: the run ends with it. */
    private Throwable fatal;
    /** The reason key of the last rejection counted (for the fold's bookkeeping). */
    private String lastRejectionKey;
    private Executor executor;
    private ExecutorService ownExecutor;
    private GepaState state;
    /** Failed reflection calls in a row in this process (a resume after a fix starts again at 0); under the lock. */
    private int reflectionFailuresInARow;

    public GepaRun(OptimizationContext ctx, GepaOptions options, LanguageModel reflector) {
        this.ctx = ctx;
        this.options = options;
        this.reflector = reflector;
        this.rng = ctx.random();
        this.promptNames = List.copyOf(ctx.seed().names());
        ctx.trainData().forEach(e -> trainById.put(e.id(), e));
        ctx.validationData().forEach(e -> valById.put(e.id(), e));
        this.template = options.reflectionTemplate().orElse(Reflection.DEFAULT_TEMPLATE);
        this.parallel = options.parallelProposals();
        this.proposeDuringValidation = parallel > 1 && options.proposeDuringValidation();
        this.hedgedReflections = options.reflectionHedging().isPresent()
                ? new HedgedReflections(reflector, options.reflectionHedging().getAsDouble()) : null;
    }

    /** Thrown inside a proposal's task when it must wait for its turn: the task returns and is run again later. */
    private static final class Parked extends RuntimeException {
        Parked() {
            super("proposal parked", null, false, false);
        }
    }

    /** Thrown inside a proposal's task when the run no longer wants it. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("proposal abandoned", null, false, false);
        }
    }

    public OptimizerOutcome run() {
        state = ctx.restore(GepaState.class).orElse(null);
        if (state == null) {
            state = new GepaState();
            state.seed = ctx.randomSeed();
            state.validationIds = new ArrayList<>(valById.keySet());
        } else {
            if (state.pending != null) { // a checkpoint of the sequential layout
                state.inFlight.add(0, state.pending);
                state.pending = null;
            }
            if (state.inFlight == null) {
                state.inFlight = new ArrayList<>();
            }
            log.info("GEPA resuming at iteration {} after step '{}' with {} candidates and {} proposals in flight",
                    state.iteration, state.lastStep, state.candidates.size(), state.inFlight.size());
        }
        StopReason stop = null;
        try {
            if (state.candidates.isEmpty()) {
                validateSeed();
            }
            List<GepaState.Pending> toStart = new ArrayList<>(state.inFlight);
            boolean complete = false;
            while (true) {
                synchronized (lock) {
                    while (stop == null && state.inFlight.size() < parallel) {
                        StopReason own = ownStopCondition();
                        if (own != null) {
                            stop = own;
                            complete = true;
                            break;
                        }
                        stop = ctx.stopReason().orElse(null);
                        if (stop == null) {
                            toStart.add(launch());
                        }
                    }
                }
                for (GepaState.Pending p : toStart) {
                    start(p);
                }
                toStart.clear();
                if (complete) {
                    dropInFlight();
                    break;
                }
                if (state.inFlight.isEmpty()) {
                    break;
                }
                GepaState.Pending head = state.inFlight.get(0);
                if (proposeDuringValidation && stop == null) {
                    startFromWinner(head, toStart);
                    for (GepaState.Pending p : toStart) {
                        start(p);
                    }
                    toStart.clear();
                }
                RuntimeException failure = await(head);
                if (failure instanceof OptimizationStoppedException e) {
                    stop = e.reason();
                    abandonAll();
                    awaitAll();
                    if (parallel > 1) {
                        synchronized (lock) { // keep what the other proposals finished before they stopped
                            abandon = false;
                            checkpoint("stopped");
                            abandonAll();
                        }
                    }
                    break;
                }
                if (failure != null) {
                    abandonAll();
                    awaitAll();
                    synchronized (lock) {
                        if (fatal instanceof Error err) {
                            throw err;
                        }
                        throw fatal instanceof RuntimeException re ? re : failure;
                    }
                }
                synchronized (lock) {
                    fold(head);
                }
            }
        } catch (OptimizationStoppedException e) {
            stop = e.reason();
        } finally {
            if (!tasks.isEmpty()) { // proposals dropped as stale may still be returning
                abandonAll();
                awaitAll();
            }
            if (ownExecutor != null) {
                ownExecutor.shutdown();
            }
            if (hedgedReflections != null) {
                hedgedReflections.close();
            }
        }
        log.info("GEPA stopped: {} ({} iterations, {} candidates, {} metric calls)", stop.description(),
                state.iteration, state.candidates.size(), ctx.evaluator().metricCallsUsed());
        return outcome(stop);
    }

    // ---------------------------------------------------------------- scheduling

    /** Starts the next proposal: draws its choices from the current state. Holds the lock. */
    private GepaState.Pending launch() {
        state.iteration++;
        GepaState.Pending p = new GepaState.Pending();
        p.iteration = state.iteration;
        p.metricCallsAtStart = ctx.evaluator().metricCallsUsed();
        ctx.emit(new OptimizationEvent.IterationStarted(p.iteration));
        int mergesInFlight = 0;
        for (GepaState.Pending q : state.inFlight) {
            if (q.merge != null) {
                mergesInFlight++;
            }
        }
        if (options.merge() && state.mergesDue - mergesInFlight > 0 && state.lastIterationFoundNew
                && state.mergesAttempted + mergesInFlight < options.maxMerges()) {
            Merge.Proposal proposal = Merge.propose(state, rng);
            if (proposal != null) {
                p.merge = new GepaState.MergeStep();
                p.merge.first = proposal.first();
                p.merge.second = proposal.second();
                p.merge.ancestor = proposal.ancestor();
                p.merge.merged = proposal.merged();
                p.merge.subsampleIds = Merge.subsample(state.candidates.get(proposal.first()).validationScores,
                        state.candidates.get(proposal.second()).validationScores, state.validationIds, rng);
            }
        }
        state.lastIterationFoundNew = false;
        p.mergeDecided = true;
        if (p.merge == null) {
            p.parent = Pareto.select(options.candidateSelection(), state, options, rng);
            p.minibatchIds = Minibatches.next(state.sampler, new ArrayList<>(trainById.keySet()),
                    options.reflectionMinibatchSize(), rng);
            int sameParentInFlight = 0;
            for (GepaState.Pending q : state.inFlight) {
                if (q.merge == null && q.parent.equals(p.parent)) {
                    sameParentInFlight++;
                }
            }
            p.components = Components.peek(options.componentSelection(), state.candidates.get(p.parent).nextComponent,
                    promptNames, sameParentInFlight);
        }
        state.inFlight.add(p);
        return p;
    }

    /**
     * Waits until the next proposal to be folded has won its minibatch or ended. When it won, its child will join
     * the pool at its fold: the next k proposals start from that child now, while it is validated. Their
     * parent is drawn from the front at the child's fold ({@link #confirmNext}); until then their child's
     * minibatch waits. Run on the run's thread, between folds, so the draws happen in the same order whatever
     * the timing.
     */
    private void startFromWinner(GepaState.Pending head, List<GepaState.Pending> toStart) {
        if (head.merge != null) {
            return;
        }
        boolean won;
        synchronized (lock) {
            won = head.won;
        }
        CompletableFuture<Void> task = tasks.get(head.iteration);
        if (!won && task != null) {
            CompletableFuture.anyOf(task, winSignal(head.iteration)).handle((r, t) -> null).join();
        }
        synchronized (lock) {
            // The pool is now what it will be at the head's fold: a child equal to a candidate will not join it
            // (and whether that was seen when the child was built depends on timing: ask here, the same each time).
            if (!head.won || head.nextStarted || head.rejected != null || head.child == null || abandon
                    || ctx.stopReason().isPresent() || isExisting(head.child)) {
                return;
            }
            if (options.stopWhenPerfect() && head.childScores != null
                    && allAtLeast(head.childScores, options.perfectScore())) {
                return; // perfect on its minibatch, its validation may well end the run: nothing starts from it early
            }
            head.nextStarted = true;
            for (int ahead = 0; ahead < parallel; ahead++) {
                toStart.add(launchFrom(head, ahead));
            }
        }
    }

    /** A batch's result, or its failure as {@code Evaluator#evaluate} would throw it. */
    private static EvaluationBatch join(CompletableFuture<EvaluationBatch> batch) {
        try {
            return batch.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private CompletableFuture<Void> winSignal(int iteration) {
        return wins.computeIfAbsent(iteration, i -> new CompletableFuture<>());
    }

    /** Starts a proposal from the child of {@code winner}, before that child's fold. Holds the lock. */
    private GepaState.Pending launchFrom(GepaState.Pending winner, int ahead) {
        state.iteration++;
        GepaState.Pending p = new GepaState.Pending();
        p.iteration = state.iteration;
        p.metricCallsAtStart = ctx.evaluator().metricCallsUsed();
        ctx.emit(new OptimizationEvent.IterationStarted(p.iteration));
        p.mergeDecided = true;
        p.baseIteration = winner.iteration;
        p.baseTemplates = winner.child;
        p.parent = state.candidates.size(); // the index the winner's fold gives its child
        p.minibatchIds = Minibatches.next(state.sampler, new ArrayList<>(trainById.keySet()),
                options.reflectionMinibatchSize(), rng);
        // the child's round robin pointer will be its parent's, moved on by the winner's fold
        int pointer = (Math.floorMod(state.candidates.get(winner.parent).nextComponent, promptNames.size()) + 1)
                % promptNames.size();
        p.components = Components.peek(options.componentSelection(), pointer, promptNames, ahead);
        state.inFlight.add(p);
        return p;
    }

    /**
     * At the fold of a proposal whose child the next proposals started from: each of them, in order, draws its
     * parent from the front as any proposal does, and keeps its place only when the draw falls on that child.
     * {@code child} is the child's candidate index, or -1 when the fold did not add it. Holds the lock.
     */
    private void confirmNext(GepaState.Pending winner, int child) {
        for (GepaState.Pending q : new ArrayList<>(state.inFlight)) {
            if (!q.provisional() || q.baseIteration != winner.iteration) {
                continue;
            }
            String why = null;
            if (child < 0) {
                why = "its parent, the child of proposal " + winner.iteration + ", did not join the pool";
            } else {
                int drawn = Pareto.select(options.candidateSelection(), state, options, rng);
                if (drawn != child) {
                    why = "its parent was drawn from the front at candidate " + child + "'s fold: candidate " + drawn
                            + ", not the one it started from";
                }
            }
            if (why == null) {
                q.baseIteration = null;
                q.baseTemplates = null;
                q.parent = child;
                if (q.child != null) { // announced now that its parent is known
                    ctx.emit(new OptimizationEvent.CandidateProposed(q.iteration, List.of(child), "reflection",
                            GepaState.toPromptSet(q.child)));
                }
            } else {
                state.inFlight.remove(q);
                dropped.add(q.iteration);
                wins.remove(q.iteration);
                state.proposalsDropped++;
                ctx.emit(new OptimizationEvent.CandidateRejected(q.iteration, "stale: " + why));
                log.debug("iteration {}: dropped, {}", q.iteration, why);
            }
        }
    }

    /** Hands a proposal to the executor; with k = 1 it runs on the run's thread when awaited. */
    private void start(GepaState.Pending p) {
        if (parallel == 1) {
            return;
        }
        if (executor == null) {
            executor = options.proposalExecutor()
                    .orElseGet(() -> ownExecutor = TaskExecutors.unbounded("promptopt-gepa-proposal"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.put(p.iteration, done);
        submit(p, done);
    }

    /**
     * Runs a proposal's next steps as one task. A proposal that must wait for its turn ({@link #awaitTurn}) is
     * parked: its task returns, keeping no thread, and {@link #releaseParked()} hands it to the executor again
     * (so an executor with fewer threads than proposals cannot deadlock). {@code done} completes only when the
     * proposal ends.
     */
    private void submit(GepaState.Pending p, CompletableFuture<Void> done) {
        executor.execute(() -> {
            try {
                advance(p);
                done.complete(null);
            } catch (Parked parked) {
                // handed to the executor again once its turn comes
            } catch (Abandoned | OptimizationStoppedException e) {
                done.completeExceptionally(e);
            } catch (RuntimeException | Error e) {
                synchronized (lock) {
                    if (fatal == null) {
                        fatal = e;
                    }
                }
                abandonAll();
                done.completeExceptionally(e);
            }
        });
    }

    /** Waits for a proposal to reach its end; returns what stopped it, or null when it is ready to fold. */
    private RuntimeException await(GepaState.Pending p) {
        try {
            CompletableFuture<Void> task = tasks.remove(p.iteration);
            if (task == null) {
                advance(p);
            } else {
                task.join();
            }
            return null;
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error err) {
                throw err;
            }
            return cause instanceof RuntimeException re ? re : e;
        } catch (OptimizationStoppedException e) {
            return e;
        }
    }

    /** Waits for every running proposal to return (they stop at their next step once {@link #abandon} is set). */
    private void awaitAll() {
        for (CompletableFuture<Void> task : new ArrayList<>(tasks.values())) {
            try {
                task.join();
            } catch (CompletionException e) {
                log.debug("proposal ended while the run stopped: {}", e.getCause().toString());
            }
        }
        tasks.clear();
    }

    /** The run is complete: proposals still running are dropped, once they have returned. */
    private void dropInFlight() {
        abandonAll();
        awaitAll();
        synchronized (lock) {
            if (!state.inFlight.isEmpty()) {
                log.debug("dropping {} proposals in flight: the run is complete", state.inFlight.size());
                state.inFlight.clear();
                abandon = false;
                checkpoint("complete");
            }
        }
    }

    private void checkAbandoned(GepaState.Pending p) {
        if (abandon || dropped.contains(p.iteration)) {
            throw new Abandoned();
        }
    }

    /** Gives up every proposal in flight: they stop at their next step, waiting ones at once. */
    private void abandonAll() {
        abandon = true;
        synchronized (lock) {
            releaseParked();
        }
    }

    /**
     * Holds a proposal before it spends a call while an earlier proposal has won its minibatch and waits to be
     * folded: that fold adds a candidate and will often drop this proposal as stale, and k = 1 would not have
     * started it yet. Then, before its child's minibatch, holds it while more than
     * {@link GepaOptions#speculativeEvaluations()} earlier proposals could still add a candidate. Waiting changes
     * when calls are made, never what a proposal decides.
     */
    private void awaitTurn(GepaState.Pending p, boolean childMinibatch) {
        if (parallel == 1) {
            return;
        }
        synchronized (lock) {
            checkAbandoned(p);
            if (mustWait(p, childMinibatch)) {
                CompletableFuture<Void> done = tasks.get(p.iteration);
                if (done == null) { // run on the run's own thread (the head never waits): cannot park
                    throw new IllegalStateException("proposal " + p.iteration + " must wait but has no task");
                }
                parked.put(p, new Parking(done, childMinibatch));
                throw new Parked();
            }
        }
    }

    /**
     * Hands every parked proposal whose turn has come (or that the run gave up or dropped) back to the executor.
     * Called under the lock after every change that can end a wait.
     */
    private void releaseParked() {
        if (parked.isEmpty()) {
            return;
        }
        List<Map.Entry<GepaState.Pending, Parking>> ready = new ArrayList<>();
        for (Map.Entry<GepaState.Pending, Parking> e : parked.entrySet()) {
            GepaState.Pending q = e.getKey();
            if (abandon || dropped.contains(q.iteration) || !mustWait(q, e.getValue().childMinibatch())) {
                ready.add(e);
            }
        }
        for (Map.Entry<GepaState.Pending, Parking> e : ready) {
            parked.remove(e.getKey());
            submit(e.getKey(), e.getValue().done());
        }
    }

    /** Holds the lock. */
    private boolean mustWait(GepaState.Pending p, boolean childMinibatch) {
        if (p.provisional()) {
            return childMinibatch; // its parent is not drawn yet: only its child's minibatch waits for the draw
        }
        int open = 0;
        for (GepaState.Pending q : state.inFlight) {
            if (q.iteration >= p.iteration) {
                continue;
            }
            if (q.won) {
                return true;
            }
            if (q.rejected == null && !q.skipped) {
                open++;
            }
        }
        return childMinibatch && open > options.speculativeEvaluations();
    }

    /**
     * Once a fold changed the pool, proposals in flight whose parent has left the Pareto front would at best
     * improve on a candidate the search has moved past: they are dropped (at the fold, so the decision does
     * not depend on timing) and their slots go to proposals from the new front. Holds the lock.
     */
    private void dropStale(GepaState.Pending folded) {
        List<GepaState.Candidate> cs = state.candidates;
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            all.add(i);
        }
        java.util.Set<Integer> front = Pareto.frequencies(
                Pareto.fronts(cs, all, options.frontier(), state.validationIds), Pareto.aggregates(cs)).keySet();
        for (GepaState.Pending q : new ArrayList<>(state.inFlight)) {
            if (q != folded && q.merge == null && !q.provisional() && !front.contains(q.parent)) {
                state.inFlight.remove(q);
                dropped.add(q.iteration);
                wins.remove(q.iteration);
                state.proposalsDropped++;
                ctx.emit(new OptimizationEvent.CandidateRejected(q.iteration,
                        "stale: its parent " + q.parent + " left the Pareto front while the proposal was in flight"));
                log.debug("iteration {}: dropped, parent {} left the front", q.iteration, q.parent);
            }
        }
    }

    // ---------------------------------------------------------------- steps

    private void validateSeed() {
        EvaluationBatch batch = ctx.evaluator().evaluate(ctx.seed(), ctx.validationData().examples());
        emitEvaluated(0, "validation", batch);
        synchronized (lock) {
            GepaState.Candidate seed = addCandidate(GepaState.toData(ctx.seed()), List.of(), "seed",
                    validation(batch, ctx.seed()), 0);
            ctx.emit(new OptimizationEvent.CandidateAccepted(0, 0, List.of(), seed.score, true));
            checkpoint("seed-validation");
        }
    }

    /** Runs a proposal from where it stopped to the point where it can be folded. */
    private void advance(GepaState.Pending p) {
        if (p.merge != null) {
            mergeSteps(p, p.merge);
        } else {
            reflectiveSteps(p);
        }
        if (parallel > 1) {
            synchronized (lock) {
                if (!p.done) {
                    p.done = true;
                    checkpoint("proposal-done");
                }
            }
        }
    }

    private void reflectiveSteps(GepaState.Pending p) {
        PromptSet parentSet;
        synchronized (lock) {
            // a proposal started before its parent's fold works on that parent's templates
            parentSet = p.provisional() ? GepaState.toPromptSet(p.baseTemplates)
                    : state.candidates.get(p.parent).toPromptSet();
        }
        if (p.parentScores == null) {
            awaitTurn(p, false);
            EvaluationBatch batch = ctx.evaluator().evaluate(parentSet, examples(p.minibatchIds, trainById));
            emitEvaluated(p.iteration, "minibatch", batch);
            synchronized (lock) {
                p.metricCalls += batch.metricCalls();
                p.parentScores = batch.scoresById(); // a failure is not a score: failed examples are left out
                p.parentCosts = Objectives.costs(batch);
                p.reflectionExamples = new ArrayList<>();
                for (ExampleResult r : batch.results()) {
                    if (!r.failed()) {
                        p.reflectionExamples.add(Reflection.record(r));
                    }
                }
                if (p.parentScores.isEmpty()) {
                    p.skipped = true;
                    reject(p, "evaluation_failed", "every minibatch call of the parent failed: "
                            + batch.failures().get(0).error());
                    log.debug("iteration {}: parent {} could not be scored on its minibatch", p.iteration, p.parent);
                } else if (options.skipPerfectScore() && allAtLeast(p.parentScores, options.perfectScore())) {
                    p.skipped = true;
                    log.debug("iteration {}: parent {} is perfect on its minibatch, skipping", p.iteration, p.parent);
                } else {
                    p.reflectionOutputs = new TreeMap<>();
                }
                checkpoint("minibatch");
            }
        }
        if (p.skipped) {
            return;
        }
        if (p.child == null && p.rejected == null) {
            for (String component : p.components) {
                if (!p.reflectionOutputs.containsKey(component)) {
                    awaitTurn(p, false);
                    stopIfBudgetSpent(p.minibatchIds.size());
                    String output = reflect(p, parentSet.get(component), p.reflectionExamples);
                    if (output == null) {
                        synchronized (lock) {
                            reject(p, "reflection_failed", "the reflection model '" + reflector.name() + "' failed: "
                                    + p.rejectedBecause);
                            checkpoint("reflection");
                        }
                        return;
                    }
                    synchronized (lock) {
                        p.reflectionOutputs.put(component, output);
                        checkpoint("reflection");
                    }
                }
            }
            synchronized (lock) {
                buildChild(p, parentSet);
            }
        }
        if (p.rejected != null) {
            return;
        }
        PromptSet child = GepaState.toPromptSet(p.child);
        if (p.childScores == null) {
            awaitTurn(p, true);
            EvaluationBatch batch = ctx.evaluator().evaluate(child, examples(p.minibatchIds, trainById));
            emitEvaluated(p.iteration, "minibatch", batch);
            synchronized (lock) {
                p.metricCalls += batch.metricCalls();
                p.childScores = batch.scoresById();
                p.childCosts = Objectives.costs(batch);
                checkpoint("child-minibatch");
            }
        }
        // Compare on the examples both were scored on: a failed call is no score for either side.
        List<String> common = new ArrayList<>(p.parentScores.keySet());
        common.retainAll(p.childScores.keySet());
        if (common.isEmpty()) {
            synchronized (lock) {
                reject(p, "evaluation_failed", "the child could not be scored on any example of its minibatch");
                releaseParked();
            }
            return;
        }
        double before = sumOn(p.parentScores, common);
        double after = sumOn(p.childScores, common);
        if (!accepts(options.acceptance(), before, after) && !shorterAtEqualScore(before, after, parentSet, p.child)
                && !cheaperAtEqualScore(before, after, p, common)) {
            synchronized (lock) {
                p.rejected = "not_better";
                p.rejectedBecause = String.format(Locale.ROOT, "minibatch score %.4g is not %s the parent's %.4g",
                        after, options.acceptance() == GepaOptions.Acceptance.STRICT_IMPROVEMENT ? "above" : "at least",
                        before);
                releaseParked();
            }
            return;
        }
        synchronized (lock) {
            p.won = true;
        }
        validate(p, child, List.of(p.parent), before, after);
    }

    /** With the prompt-length objective, a child that ties its parent and is shorter is an improvement. */
    private boolean shorterAtEqualScore(double before, double after, PromptSet parent,
                                        Map<String, GepaState.TemplateData> child) {
        return options.objectives().contains(GepaOptions.Objective.PROMPT_TOKENS) && after == before
                && Objectives.promptTokens(GepaState.toPromptSet(child)) < Objectives.promptTokens(parent);
    }

    /**
     * With the cost objective, a child that ties its parent and whose metered calls cost less on the examples both
     * were metered on is an improvement.
     */
    private boolean cheaperAtEqualScore(double before, double after, GepaState.Pending p, List<String> common) {
        if (!options.objectives().contains(GepaOptions.Objective.COST_PER_EXAMPLE) || after != before
                || p.parentCosts == null || p.childCosts == null) {
            return false;
        }
        List<String> metered = new ArrayList<>(common);
        metered.retainAll(p.parentCosts.keySet());
        metered.retainAll(p.childCosts.keySet());
        return !metered.isEmpty() && sumOn(p.childCosts, metered) < sumOn(p.parentCosts, metered);
    }

    /**
     * The full validation of an accepted proposal. When the budget cannot cover it, the proposal is reported
     * (a {@code CandidateRejected} event with reason {@code unvalidated}, and {@code unvalidatedCandidates} in
     * the result's {@code GepaStats}) before the run stops, instead of vanishing.
     */
    private void validate(GepaState.Pending p, PromptSet candidate, List<Integer> parents, double parentMinibatch,
                          double childMinibatch) {
        if (p.validation != null) {
            return;
        }
        awaitTurn(p, false);
        EvaluationBatch full;
        try {
            if (proposeDuringValidation) {
                // the validation asks for its permits first; then the next proposals may start from this child
                CompletableFuture<EvaluationBatch> batch = ctx.evaluator().evaluateAsync(candidate,
                        ctx.validationData().examples());
                winSignal(p.iteration).complete(null);
                full = join(batch);
            } else {
                full = ctx.evaluator().evaluate(candidate, ctx.validationData().examples());
            }
        } catch (OptimizationStoppedException stop) {
            Map<String, String> texts = new TreeMap<>();
            candidate.asMap().forEach((name, t) -> texts.put(name, t.optimizableText()));
            GepaStats.UnvalidatedCandidate u = new GepaStats.UnvalidatedCandidate(p.iteration, parents,
                    Double.isNaN(parentMinibatch) ? null : parentMinibatch, childMinibatch, texts,
                    stop.reason().description());
            String why = "unvalidated: accepted on its minibatch (" + String.format(Locale.ROOT, "%.4g", childMinibatch)
                    + ") but not validated: " + stop.reason().description();
            synchronized (lock) {
                state.unvalidated.add(u);
                ctx.emit(new OptimizationEvent.CandidateRejected(p.iteration, why));
                log.warn("iteration {}: {}", p.iteration, why);
                checkpoint("unvalidated");
            }
            throw stop;
        }
        emitEvaluated(p.iteration, "validation", full);
        synchronized (lock) {
            p.metricCalls += full.metricCalls();
            p.validation = validation(full, candidate);
        }
    }

    /** Reads the reflection outputs into a child, or rejects the proposal with the reason. Holds the lock. */
    private void buildChild(GepaState.Pending p, PromptSet parentSet) {
        PromptSet child = parentSet;
        for (String component : p.components) {
            Reflection.Extraction x = Reflection.extract(p.reflectionOutputs.get(component));
            if (!x.ok()) {
                reject(p, x.rejectKey(), "prompt '" + component + "': " + x.rejectReason());
                return;
            }
            PromptTemplate current = child.get(component);
            child = child.with(component, current.withOptimizableText(x.text()));
        }
        if (child.equals(parentSet)) {
            reject(p, "unchanged", "the reflection returned the parent's text unchanged");
            return;
        }
        List<String> problems = ctx.candidateProblems(child);
        if (!problems.isEmpty()) {
            reject(p, "invalid_variables", String.join("; ", problems));
            return;
        }
        Map<String, GepaState.TemplateData> data = GepaState.toData(child);
        if (isExisting(data)) {
            reject(p, "duplicate", "the proposal equals an existing candidate");
            return;
        }
        p.child = data;
        if (!p.provisional()) { // else announced once its parent is drawn (confirmNext)
            ctx.emit(new OptimizationEvent.CandidateProposed(p.iteration, List.of(p.parent), "reflection", child));
        }
    }

    private boolean isExisting(Map<String, GepaState.TemplateData> data) {
        for (GepaState.Candidate c : state.candidates) {
            if (Merge.sameTemplates(c.templates, data)) {
                return true;
            }
        }
        return false;
    }

    private void mergeSteps(GepaState.Pending p, GepaState.MergeStep m) {
        PromptSet merged = GepaState.toPromptSet(m.merged);
        if (m.mergedScores == null) {
            awaitTurn(p, false);
            synchronized (lock) {
                ctx.emit(new OptimizationEvent.CandidateProposed(p.iteration, List.of(m.first, m.second), "merge", merged));
            }
            EvaluationBatch batch = ctx.evaluator().evaluate(merged, examples(m.subsampleIds, valById));
            emitEvaluated(p.iteration, "merge", batch);
            synchronized (lock) {
                p.metricCalls += batch.metricCalls();
                m.mergedScores = batch.scoresById();
                List<String> scored = new ArrayList<>(m.mergedScores.keySet()); // failed calls are no score: compare
                scored.retainAll(state.candidates.get(m.first).validationScores.keySet()); // on the ids all three hold
                scored.retainAll(state.candidates.get(m.second).validationScores.keySet());
                double mergedSum = sumOn(m.mergedScores, scored);
                double parentBest = Math.max(sumOn(state.candidates.get(m.first).validationScores, scored),
                        sumOn(state.candidates.get(m.second).validationScores, scored));
                m.accepted = !scored.isEmpty() && mergedSum >= parentBest;
                p.won = m.accepted;
                if (!m.accepted) {
                    p.rejected = "merge_not_better";
                    p.rejectedBecause = String.format(Locale.ROOT,
                            "merge of %d and %d: subsample score %.4g is below the better parent's %.4g",
                            m.first, m.second, mergedSum, parentBest);
                }
                checkpoint("merge");
            }
        }
        if (m.accepted) {
            validate(p, merged, List.of(m.first, m.second), Double.NaN, sum(m.mergedScores));
        }
    }

    /** Folds a finished proposal into the pool, in proposal order. Holds the lock. */
    private void fold(GepaState.Pending p) {
        double bestBefore = bestScore();
        String step;
        if (p.merge != null) {
            GepaState.MergeStep m = p.merge;
            List<Integer> parents = List.of(m.first, m.second);
            state.mergesAttempted++;
            state.mergesDue--;
            if (isExisting(m.merged)) {
                countRejection(p.iteration, "duplicate", "duplicate: ", "the merge equals a candidate added meanwhile");
                step = "merge";
            } else if (!m.accepted) {
                countRejection(p.iteration, "merge_not_better", null, p.rejectedBecause);
                step = "merge";
            } else {
                GepaState.Candidate added = addCandidate(m.merged, parents, "merge", p.validation, p.iteration);
                state.mergesAccepted++;
                ctx.emit(new OptimizationEvent.CandidateAccepted(p.iteration, state.candidates.size() - 1, parents,
                        added.score, added.score > bestBefore));
                log.info("iteration {}: merge of {} and {} accepted as candidate {}, validation score {}", p.iteration,
                        m.first, m.second, state.candidates.size() - 1, added.score);
                step = "merge-validation";
            }
        } else if (p.skipped && p.rejected != null) { // the parent could not be scored on its minibatch
            countRejection(p.iteration, p.rejected, p.rejected + ": ", p.rejectedBecause);
            step = "rejected";
        } else if (p.skipped) {
            state.candidates.get(p.parent).trainEvaluated.addAll(p.parentScores.keySet());
            state.skippedPerfect++;
            step = "skipped";
        } else {
            GepaState.Candidate parent = state.candidates.get(p.parent);
            parent.trainEvaluated.addAll(p.parentScores.keySet());
            Components.advance(options.componentSelection(), parent, promptNames);
            if (p.child != null && isExisting(p.child)) {
                // Caught here or when the child was built, depending on timing: the same verdict either way.
                countRejection(p.iteration, "duplicate", "duplicate: ", "the proposal equals an existing candidate");
                step = "rejected";
            } else if (p.rejected != null) {
                countRejection(p.iteration, p.rejected, p.rejected + ": ", p.rejectedBecause);
                step = "rejected";
            } else {
                List<Integer> parents = List.of(p.parent);
                GepaState.Candidate added = addCandidate(p.child, parents, "reflection", p.validation, p.iteration);
                added.trainEvaluated.addAll(p.childScores.keySet());
                state.proposalsAccepted++;
                state.lastIterationFoundNew = true;
                if (options.merge() && state.mergesAttempted + state.mergesDue < options.maxMerges()) {
                    state.mergesDue++;
                }
                ctx.emit(new OptimizationEvent.CandidateAccepted(p.iteration, state.candidates.size() - 1, parents,
                        added.score, added.score > bestBefore));
                log.info("iteration {}: candidate {} from {} accepted, validation score {}", p.iteration,
                        state.candidates.size() - 1, p.parent, added.score);
                step = "validation";
            }
        }
        state.iterationsWithoutImprovement = bestScore() > bestBefore ? 0 : state.iterationsWithoutImprovement + 1;
        boolean spent = parallel == 1 ? p.metricCalls > 0 : foldEvaluatedPairs(p, step);
        state.stalledIterations = spent ? 0 : state.stalledIterations + 1;
        state.inFlight.remove(p);
        wins.remove(p.iteration);
        if (p.nextStarted) {
            confirmNext(p, "validation".equals(step) ? state.candidates.size() - 1 : -1);
        }
        if (parallel > 1 && ("validation".equals(step) || "merge-validation".equals(step))) {
            dropStale(p);
        }
        checkpoint(step);
    }

    /**
     * With proposals in parallel, which of two proposals paid for a shared (candidate, example) pair depends
     * on timing; whether a pair is new at its fold does not. Records the pairs of a folded proposal and says
     * whether any was new. A child found to be a duplicate counts as if caught before its evaluation.
     */
    private boolean foldEvaluatedPairs(GepaState.Pending p, String step) {
        int before = state.evaluatedPairs.size();
        if (p.merge != null) {
            GepaState.MergeStep m = p.merge;
            if (m.mergedScores != null) {
                addPairs(m.merged, m.subsampleIds);
            }
            if ("merge-validation".equals(step)) {
                addPairs(m.merged, state.validationIds);
            }
        } else {
            if (p.parentScores != null) {
                addPairs(state.candidates.get(p.parent).templates, p.minibatchIds);
            }
            boolean duplicate = p.child != null && "rejected".equals(step) && "duplicate".equals(lastRejectionKey);
            if (p.childScores != null && !duplicate) {
                addPairs(p.child, p.minibatchIds);
            }
            if ("validation".equals(step)) {
                addPairs(p.child, state.validationIds);
            }
        }
        return state.evaluatedPairs.size() > before;
    }

    private void addPairs(Map<String, GepaState.TemplateData> candidate, List<String> ids) {
        String key = Merge.fingerprint(candidate);
        for (String id : ids) {
            state.evaluatedPairs.add(key + "/" + id);
        }
    }

    /**
     * Asks the reflection model; null when the call failed (after the model client's retries), with the error in
     * the proposal's {@code rejectedBecause}: that gives up this proposal, not the run, unless
     * {@value #REFLECTION_FAILURE_LIMIT} calls in a row failed.
     */
    private String reflect(GepaState.Pending p, PromptTemplate current, List<GepaState.ReflectionExample> examples) {
        Map<String, Map<String, Object>> inputs = new LinkedHashMap<>();
        for (GepaState.ReflectionExample e : examples) {
            inputs.put(e.exampleId, trainById.get(e.exampleId).inputs());
        }
        String prompt = Reflection.prompt(template, current.optimizableText(), Reflection.renderExamples(examples, inputs));
        try {
            List<ChatMessage> messages = List.of(ChatMessage.user(prompt));
            String text;
            if (hedgedReflections == null) {
                text = reflector.chat(messages).text();
            } else {
                HedgedReflections.Answer answer = hedgedReflections.chat(messages);
                text = answer.text();
                if (answer.hedges() > 0) {
                    synchronized (lock) {
                        state.hedgedReflections += answer.hedges();
                    }
                }
            }
            synchronized (lock) {
                reflectionFailuresInARow = 0;
            }
            return text;
        } catch (ModelException e) {
            String error = Secrets.redact(e.getMessage()); // it may be checkpointed, logged and shown
            synchronized (lock) {
                reflectionFailuresInARow++;
                p.rejectedBecause = error;
                log.warn("reflection call failed ({} in a row): {}", reflectionFailuresInARow, error);
                if (reflectionFailuresInARow >= REFLECTION_FAILURE_LIMIT) {
                    checkpoint("reflection-failed");
                    throw new SystemicFailureException("the run stopped: the reflection model '" + reflector.name()
                            + "' failed " + reflectionFailuresInARow + " times in a row; last error: " + error
                            + ". The checkpoint is intact: fix the cause and resume the run.", Secrets.redacted(e));
                }
            }
            return null;
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    /** A full validation as the state keeps it, with every objective's value per example. */
    private GepaState.Validation validation(EvaluationBatch batch, PromptSet candidate) {
        GepaState.Validation v = new GepaState.Validation();
        v.scores = batch.scoresById();
        v.mean = batch.mean();
        v.objectives = Objectives.perExample(batch, candidate, options.objectives());
        v.metricCallsAfter = ctx.evaluator().metricCallsUsed();
        return v;
    }

    /** Adds a validated candidate to the pool and the per-instance fronts. Holds the lock. */
    private GepaState.Candidate addCandidate(Map<String, GepaState.TemplateData> templates, List<Integer> parents,
                                             String origin, GepaState.Validation v, int iteration) {
        GepaState.Candidate c = new GepaState.Candidate();
        c.templates = new TreeMap<>(templates);
        c.parents = new ArrayList<>(parents);
        c.origin = origin;
        c.validationScores = new LinkedHashMap<>(v.scores);
        c.score = v.mean;
        c.foundAtMetricCall = v.metricCallsAfter;
        c.foundAtIteration = iteration;
        c.validationObjectiveScores = new LinkedHashMap<>(v.objectives);
        c.objectiveScores = Objectives.means(v.objectives);
        c.nextComponent = Components.inheritedPointer(state.candidates, parents);
        int index = state.candidates.size();
        state.candidates.add(c);
        state.fullValidations++;
        for (Map.Entry<String, Double> e : c.validationScores.entrySet()) {
            Double best = state.bestScoreByInstance.get(e.getKey());
            if (best == null || e.getValue() > best) {
                state.bestScoreByInstance.put(e.getKey(), e.getValue());
                state.bestCandidatesByInstance.put(e.getKey(), new ArrayList<>(List.of(index)));
            } else if (e.getValue().doubleValue() == best) {
                state.bestCandidatesByInstance.get(e.getKey()).add(index);
            }
        }
        return c;
    }

    /** Marks a proposal rejected; it is counted when folded. */
    private static void reject(GepaState.Pending p, String key, String reason) {
        p.rejected = key;
        p.rejectedBecause = reason;
    }

    /** Counts a rejection and tells the listeners. Holds the lock. */
    private void countRejection(int iteration, String key, String prefix, String reason) {
        lastRejectionKey = key;
        state.proposalsRejected++;
        state.rejectionReasons.merge(key, 1, Integer::sum);
        ctx.emit(new OptimizationEvent.CandidateRejected(iteration, prefix == null ? reason : prefix + reason));
        log.debug("iteration {}: proposal rejected ({}: {})", iteration, key, reason);
    }

    private StopReason ownStopCondition() {
        GepaState.Candidate best = state.candidates.get(Pareto.best(state));
        if (options.stopWhenPerfect() && !best.validationScores.isEmpty()
                && allAtLeast(best.validationScores, options.perfectScore())) {
            return StopReason.completed("the best candidate scores " + options.perfectScore() + " on all "
                    + best.validationScores.size() + " validation examples");
        }
        if (options.scoreThreshold().isPresent() && best.score >= options.scoreThreshold().get()) {
            return new StopReason(StopReason.Kind.SCORE_THRESHOLD, "best validation score " + best.score
                    + " reached the threshold " + options.scoreThreshold().get());
        }
        if (options.noImprovementIterations().isPresent()
                && state.iterationsWithoutImprovement >= options.noImprovementIterations().get()) {
            return new StopReason(StopReason.Kind.NO_IMPROVEMENT, "no improvement of the best validation score in "
                    + state.iterationsWithoutImprovement + " iterations");
        }
        if (state.stalledIterations >= STALL_LIMIT * 10
                || state.stalledIterations >= STALL_LIMIT && !unevaluatedMinibatchesLeft()) {
            return StopReason.completed("no new evaluation in the last " + state.stalledIterations
                    + " iterations: no proposal led to a new evaluation (rejected proposals so far: "
                    + new TreeMap<>(state.rejectionReasons) + ")");
        }
        return null;
    }

    /**
     * Whether a candidate the selection can still pick has train examples it was never scored on: then a stall
     * (iterations without a new metric call) is not the end, since new minibatches remain.
     */
    private boolean unevaluatedMinibatchesLeft() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < state.candidates.size(); i++) {
            all.add(i);
        }
        double[] agg = Pareto.aggregates(state.candidates);
        Collection<Integer> selectable = switch (options.candidateSelection()) { // what Pareto.select can draw
            case CURRENT_BEST -> List.of(Pareto.best(state));
            case EPSILON_GREEDY -> all;
            case TOP_K_PARETO -> {
                List<Integer> top = new ArrayList<>(all);
                top.sort(java.util.Comparator.<Integer>comparingDouble(c -> -agg[c]).thenComparingInt(c -> c));
                top = top.subList(0, Math.min(options.topK(), top.size()));
                yield Pareto.frequencies(Pareto.fronts(state.candidates, top, options.frontier(), state.validationIds),
                        agg).keySet();
            }
            default -> Pareto.frequencies(Pareto.fronts(state.candidates, all, options.frontier(), state.validationIds),
                    agg).keySet();
        };
        for (int c : selectable) {
            if (!state.candidates.get(c).trainEvaluated.containsAll(trainById.keySet())) {
                return true;
            }
        }
        return false;
    }

    /** Reflection calls are not batches the evaluator can refuse, so check before paying for one that cannot be used. */
    private void stopIfBudgetSpent(int childCalls) {
        StopReason reason = ctx.stopReason().orElse(null);
        Long max = ctx.budget().maxMetricCalls();
        long used = ctx.evaluator().metricCallsUsed();
        if (reason == null && max != null && used + childCalls > max) {
            reason = new StopReason(StopReason.Kind.METRIC_CALLS, "metric call budget of " + max + ": " + used
                    + " spent, a child's minibatch needs " + childCalls);
        }
        if (reason != null) {
            throw new OptimizationStoppedException(reason);
        }
    }

    /** Saves the state. Holds the lock; skipped once the run has given up its proposals in flight. */
    private void checkpoint(String step) {
        releaseParked(); // a proposal's progress may end another one's wait for its turn
        if (abandon) {
            return;
        }
        state.lastStep = step;
        try {
            ctx.checkpoint(state);
        } catch (RuntimeException | Error e) {
            abandonAll(); // nothing may be saved after a checkpoint that failed (or a process that died)
            throw e;
        }
    }

    private void emitEvaluated(int iteration, String phase, EvaluationBatch batch) {
        synchronized (lock) {
            ctx.emit(new OptimizationEvent.CandidateEvaluated(iteration, phase, batch.results().size(), batch.mean(),
                    ctx.evaluator().metricCallsUsed()));
        }
    }

    private int objectiveCount() {
        return state.candidates.isEmpty() ? 0 : state.candidates.get(0).objectiveScores.size();
    }

    private double bestScore() {
        return state.candidates.isEmpty() ? Double.NEGATIVE_INFINITY : state.candidates.get(Pareto.best(state)).score;
    }

    static boolean accepts(GepaOptions.Acceptance acceptance, double parentSum, double childSum) {
        return acceptance == GepaOptions.Acceptance.STRICT_IMPROVEMENT ? childSum > parentSum : childSum >= parentSum;
    }

    private static boolean allAtLeast(Map<String, Double> scores, double threshold) {
        for (double s : scores.values()) {
            if (s < threshold) {
                return false;
            }
        }
        return true;
    }

    private static double sum(Map<String, Double> scores) {
        double s = 0;
        for (double v : scores.values()) {
            s += v;
        }
        return s;
    }

    private static double sumOn(Map<String, Double> scores, List<String> ids) {
        double s = 0;
        for (String id : ids) {
            s += scores.getOrDefault(id, 0.0);
        }
        return s;
    }

    private static List<Example> examples(List<String> ids, Map<String, Example> byId) {
        List<Example> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            out.add(byId.get(id));
        }
        return out;
    }

    // ---------------------------------------------------------------- outcome

    private OptimizerOutcome outcome(StopReason stop) {
        List<CandidateRecord> records = new ArrayList<>();
        for (int i = 0; i < state.candidates.size(); i++) {
            GepaState.Candidate c = state.candidates.get(i);
            records.add(new CandidateRecord(i, c.toPromptSet(), c.parents, c.origin, c.score, c.validationScores,
                    c.foundAtMetricCall));
        }
        int bestIndex = 0;
        PromptSet best = ctx.seed();
        if (records.isEmpty()) {
            // Stopped before the seed was validated: the seed is all there is.
            records.add(new CandidateRecord(0, ctx.seed(), List.of(), "seed", 0.0, Map.of(), 0));
        } else {
            bestIndex = Pareto.best(state);
            best = records.get(bestIndex).templates();
        }
        boolean objectiveFront = options.frontier() != GepaOptions.Frontier.INSTANCE || !options.objectives().isEmpty()
                || objectiveCount() > 1;
        GepaStats stats = new GepaStats(state.iteration, state.fullValidations, state.proposalsAccepted,
                state.proposalsRejected, state.rejectionReasons, state.skippedPerfect, state.mergesAttempted,
                state.mergesAccepted, parallel > 1 ? state.proposalsDropped : 0, state.hedgedReflections,
                ctx.evaluator().metricCallsUsed(),
                state.unvalidated, state.seed, state.bestCandidatesByInstance,
                objectiveFront ? Objectives.front(state.candidates) : List.of(), parallel, options.describe());
        return new OptimizerOutcome(best, records, bestIndex, stop, stats);
    }
}
