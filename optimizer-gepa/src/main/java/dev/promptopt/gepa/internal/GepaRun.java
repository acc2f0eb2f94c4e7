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
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GEPA run: the loop of reference/gepa.md over a {@link GepaState}. Every step that spends calls
 * (an evaluation batch or a reflection call) is followed by a checkpoint, and every decision already
 * taken (parent, minibatch, reflection output) is kept in {@link GepaState.Pending}, so a resumed run
 * continues at the step where it stopped and repeats at most the calls that were in flight when it died.
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
    private final Rng rng;
    private final List<String> promptNames;
    private final Map<String, Example> trainById = new LinkedHashMap<>();
    private final Map<String, Example> valById = new LinkedHashMap<>();
    private final String template;
    private GepaState state;
    /** Failed reflection calls in a row in this process (a resume after a fix starts again at 0). */
    private int reflectionFailuresInARow;
    private String lastReflectionError;

    public GepaRun(OptimizationContext ctx, GepaOptions options, LanguageModel reflector) {
        this.ctx = ctx;
        this.options = options;
        this.reflector = reflector;
        this.rng = ctx.random();
        this.promptNames = List.copyOf(ctx.seed().names());
        ctx.trainData().forEach(e -> trainById.put(e.id(), e));
        ctx.validationData().forEach(e -> valById.put(e.id(), e));
        this.template = options.reflectionTemplate().orElse(Reflection.DEFAULT_TEMPLATE);
    }

    public OptimizerOutcome run() {
        state = ctx.restore(GepaState.class).orElse(null);
        if (state == null) {
            state = new GepaState();
            state.seed = ctx.randomSeed();
            state.validationIds = new ArrayList<>(valById.keySet());
        } else {
            log.info("GEPA resuming at iteration {} after step '{}' with {} candidates", state.iteration,
                    state.lastStep, state.candidates.size());
        }
        StopReason stop;
        try {
            if (state.candidates.isEmpty()) {
                validateSeed();
            }
            while (true) {
                if (state.pending == null) {
                    stop = ownStopCondition();
                    if (stop == null) {
                        stop = ctx.stopReason().orElse(null);
                    }
                    if (stop != null) {
                        break;
                    }
                    state.iteration++;
                    state.pending = new GepaState.Pending();
                    state.pending.iteration = state.iteration;
                    state.pending.metricCallsAtStart = ctx.evaluator().metricCallsUsed();
                    ctx.emit(new OptimizationEvent.IterationStarted(state.iteration));
                }
                double bestBefore = bestScore();
                String step = iterate(state.pending);
                state.iterationsWithoutImprovement = bestScore() > bestBefore ? 0 : state.iterationsWithoutImprovement + 1;
                state.stalledIterations = ctx.evaluator().metricCallsUsed() > state.pending.metricCallsAtStart
                        ? 0 : state.stalledIterations + 1;
                state.pending = null;
                checkpoint(step);
            }
        } catch (OptimizationStoppedException e) {
            stop = e.reason();
        }
        log.info("GEPA stopped: {} ({} iterations, {} candidates, {} metric calls)", stop.description(),
                state.iteration, state.candidates.size(), ctx.evaluator().metricCallsUsed());
        return outcome(stop);
    }

    // ---------------------------------------------------------------- steps

    private void validateSeed() {
        EvaluationBatch batch = ctx.evaluator().evaluate(ctx.seed(), ctx.validationData().examples());
        emitEvaluated(0, "validation", batch);
        GepaState.Candidate seed = addCandidate(GepaState.toData(ctx.seed()), List.of(), "seed", batch);
        ctx.emit(new OptimizationEvent.CandidateAccepted(0, 0, List.of(), seed.score, true));
        checkpoint("seed-validation");
    }

    /** Runs (or continues) one iteration; returns the name of its last step. */
    private String iterate(GepaState.Pending p) {
        if (!p.mergeDecided) {
            if (options.merge() && state.mergesDue > 0 && state.lastIterationFoundNew
                    && state.mergesAttempted < options.maxMerges()) {
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
        }
        if (p.merge != null) {
            return mergeStep(p, p.merge);
        }
        return reflectiveStep(p);
    }

    private String reflectiveStep(GepaState.Pending p) {
        if (p.parent == null) {
            p.parent = Pareto.select(options.candidateSelection(), state, options, rng);
            p.minibatchIds = Minibatches.next(state.sampler, new ArrayList<>(trainById.keySet()),
                    options.reflectionMinibatchSize(), rng);
        }
        GepaState.Candidate parent = state.candidates.get(p.parent);
        if (p.parentScores == null) {
            EvaluationBatch batch = ctx.evaluator().evaluate(parent.toPromptSet(), examples(p.minibatchIds, trainById));
            emitEvaluated(p.iteration, "minibatch", batch);
            p.parentScores = batch.scoresById(); // a failure is not a score: failed examples are left out
            parent.trainEvaluated.addAll(p.parentScores.keySet());
            p.reflectionExamples = new ArrayList<>();
            for (ExampleResult r : batch.results()) {
                if (!r.failed()) {
                    p.reflectionExamples.add(Reflection.record(r));
                }
            }
            if (p.parentScores.isEmpty()) {
                p.skipped = true;
                reject(p, "evaluation_failed", "every minibatch call of the parent failed: " + batch.failures().get(0).error());
                log.debug("iteration {}: parent {} could not be scored on its minibatch", p.iteration, p.parent);
            } else if (options.skipPerfectScore() && allAtLeast(p.parentScores, options.perfectScore())) {
                p.skipped = true;
                state.skippedPerfect++;
                log.debug("iteration {}: parent {} is perfect on its minibatch, skipping", p.iteration, p.parent);
            } else {
                p.components = Components.choose(options.componentSelection(), parent, promptNames);
                p.reflectionOutputs = new TreeMap<>();
            }
            checkpoint("minibatch");
        }
        if (p.skipped) {
            return p.rejected != null ? "rejected" : "skipped";
        }
        if (p.child == null && p.rejected == null) {
            for (String component : p.components) {
                if (!p.reflectionOutputs.containsKey(component)) {
                    stopIfBudgetSpent(p.minibatchIds.size());
                    String answer = reflect(parent.toPromptSet().get(component), p.reflectionExamples);
                    if (answer == null) {
                        reject(p, "reflection_failed", "the reflection model '" + reflector.name() + "' failed: "
                                + lastReflectionError);
                        checkpoint("reflection");
                        return "rejected";
                    }
                    p.reflectionOutputs.put(component, answer);
                    checkpoint("reflection");
                }
            }
            buildChild(p, parent);
        }
        if (p.rejected != null) {
            return "rejected";
        }
        PromptSet child = GepaState.toPromptSet(p.child);
        if (p.childScores == null) {
            EvaluationBatch batch = ctx.evaluator().evaluate(child, examples(p.minibatchIds, trainById));
            emitEvaluated(p.iteration, "minibatch", batch);
            p.childScores = batch.scoresById();
            checkpoint("child-minibatch");
        }
        // Compare on the examples both were scored on: a failed call is no score for either side.
        List<String> common = new ArrayList<>(p.parentScores.keySet());
        common.retainAll(p.childScores.keySet());
        if (common.isEmpty()) {
            reject(p, "evaluation_failed", "the child could not be scored on any example of its minibatch");
            return "rejected";
        }
        double before = sumOn(p.parentScores, common);
        double after = sumOn(p.childScores, common);
        if (!accepts(options.acceptance(), before, after)) {
            reject(p, "not_better", String.format(Locale.ROOT,
                    "minibatch score %.4g is not %s the parent's %.4g", after,
                    options.acceptance() == GepaOptions.Acceptance.STRICT_IMPROVEMENT ? "above" : "at least", before));
            return "rejected";
        }
        EvaluationBatch full = validateOrReport(p, child, p.child, List.of(p.parent), before, after);
        emitEvaluated(p.iteration, "validation", full);
        double bestBefore = bestScore();
        List<Integer> parents = List.of(p.parent);
        GepaState.Candidate added = addCandidate(p.child, parents, "reflection", full);
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
        return "validation";
    }

    /** Reads the reflection outputs into a child, or rejects the proposal with the reason. */
    private void buildChild(GepaState.Pending p, GepaState.Candidate parent) {
        PromptSet parentSet = parent.toPromptSet();
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
        for (GepaState.Candidate c : state.candidates) {
            if (Merge.sameTemplates(c.templates, data)) {
                reject(p, "duplicate", "the proposal equals an existing candidate");
                return;
            }
        }
        p.child = data;
        ctx.emit(new OptimizationEvent.CandidateProposed(p.iteration, List.of(p.parent), "reflection", child));
    }

    private String mergeStep(GepaState.Pending p, GepaState.MergeStep m) {
        PromptSet merged = GepaState.toPromptSet(m.merged);
        List<Integer> parents = List.of(m.first, m.second);
        if (m.mergedScores == null) {
            ctx.emit(new OptimizationEvent.CandidateProposed(p.iteration, parents, "merge", merged));
            EvaluationBatch batch = ctx.evaluator().evaluate(merged, examples(m.subsampleIds, valById));
            emitEvaluated(p.iteration, "merge", batch);
            m.mergedScores = batch.scoresById();
            state.mergesAttempted++;
            state.mergesDue--;
            List<String> scored = new ArrayList<>(m.mergedScores.keySet()); // failed calls are no score: compare
            scored.retainAll(state.candidates.get(m.first).validationScores.keySet()); // on the ids all three hold
            scored.retainAll(state.candidates.get(m.second).validationScores.keySet());
            double mergedSum = sumOn(m.mergedScores, scored);
            double parentBest = Math.max(sumOn(state.candidates.get(m.first).validationScores, scored),
                    sumOn(state.candidates.get(m.second).validationScores, scored));
            m.accepted = !scored.isEmpty() && mergedSum >= parentBest;
            if (!m.accepted) {
                state.proposalsRejected++;
                state.rejectionReasons.merge("merge_not_better", 1, Integer::sum);
                ctx.emit(new OptimizationEvent.CandidateRejected(p.iteration, String.format(Locale.ROOT,
                        "merge of %d and %d: subsample score %.4g is below the better parent's %.4g",
                        m.first, m.second, mergedSum, parentBest)));
            }
            checkpoint("merge");
        }
        if (!m.accepted) {
            return "merge";
        }
        EvaluationBatch full = validateOrReport(p, merged, m.merged, parents, Double.NaN, sum(m.mergedScores));
        emitEvaluated(p.iteration, "validation", full);
        double bestBefore = bestScore();
        GepaState.Candidate added = addCandidate(m.merged, parents, "merge", full);
        state.mergesAccepted++;
        ctx.emit(new OptimizationEvent.CandidateAccepted(p.iteration, state.candidates.size() - 1, parents,
                added.score, added.score > bestBefore));
        log.info("iteration {}: merge of {} and {} accepted as candidate {}, validation score {}", p.iteration,
                m.first, m.second, state.candidates.size() - 1, added.score);
        return "merge-validation";
    }

    /**
     * Asks the reflection model; null when the call failed (after the model client's retries): that gives up
     * this proposal, not the run, unless {@value #REFLECTION_FAILURE_LIMIT} calls in a row failed.
     */
    private String reflect(PromptTemplate current, List<GepaState.ReflectionExample> examples) {
        Map<String, Map<String, Object>> inputs = new LinkedHashMap<>();
        for (GepaState.ReflectionExample e : examples) {
            inputs.put(e.exampleId, trainById.get(e.exampleId).inputs());
        }
        String prompt = Reflection.prompt(template, current.optimizableText(), Reflection.renderExamples(examples, inputs));
        try {
            String text = reflector.chat(List.of(ChatMessage.user(prompt))).text();
            reflectionFailuresInARow = 0;
            return text;
        } catch (ModelException e) {
            reflectionFailuresInARow++;
            String error = Secrets.redact(e.getMessage()); // it may be checkpointed, logged and shown
            lastReflectionError = error;
            log.warn("reflection call failed ({} in a row): {}", reflectionFailuresInARow, error);
            if (reflectionFailuresInARow >= REFLECTION_FAILURE_LIMIT) {
                checkpoint("reflection-failed");
                throw new SystemicFailureException("the run stopped: the reflection model '" + reflector.name()
                        + "' failed " + reflectionFailuresInARow + " times in a row; last error: " + error
                        + ". The checkpoint is intact: fix the cause and resume the run.", Secrets.redacted(e));
            }
            return null;
        }
    }

    /**
     * The full validation of an accepted proposal. When the budget cannot cover it, the proposal is reported
     * (a {@code CandidateRejected} event with reason {@code unvalidated}, and {@code unvalidatedCandidates} in
     * the result's details) before the run stops, instead of vanishing.
     */
    private EvaluationBatch validateOrReport(GepaState.Pending p, PromptSet candidate,
                                             Map<String, GepaState.TemplateData> templates, List<Integer> parents,
                                             double parentMinibatch, double childMinibatch) {
        try {
            return ctx.evaluator().evaluate(candidate, ctx.validationData().examples());
        } catch (OptimizationStoppedException stop) {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("iteration", p.iteration);
            u.put("parents", List.copyOf(parents));
            if (!Double.isNaN(parentMinibatch)) {
                u.put("parentMinibatchScore", parentMinibatch);
            }
            u.put("minibatchScore", childMinibatch);
            Map<String, String> texts = new TreeMap<>();
            candidate.asMap().forEach((name, t) -> texts.put(name, t.optimizableText()));
            u.put("templates", texts);
            u.put("reason", stop.reason().description());
            state.unvalidated.add(u);
            String why = "unvalidated: accepted on its minibatch (" + String.format(Locale.ROOT, "%.4g", childMinibatch)
                    + ") but not validated: " + stop.reason().description();
            ctx.emit(new OptimizationEvent.CandidateRejected(p.iteration, why));
            log.warn("iteration {}: {}", p.iteration, why);
            checkpoint("unvalidated");
            throw stop;
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    private GepaState.Candidate addCandidate(Map<String, GepaState.TemplateData> templates, List<Integer> parents,
                                             String origin, EvaluationBatch batch) {
        GepaState.Candidate c = new GepaState.Candidate();
        c.templates = new TreeMap<>(templates);
        c.parents = new ArrayList<>(parents);
        c.origin = origin;
        c.validationScores = batch.scoresById();
        c.score = batch.mean();
        c.foundAtMetricCall = ctx.evaluator().metricCallsUsed();
        c.foundAtIteration = state.iteration;
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

    private void reject(GepaState.Pending p, String key, String reason) {
        p.rejected = key;
        state.proposalsRejected++;
        state.rejectionReasons.merge(key, 1, Integer::sum);
        ctx.emit(new OptimizationEvent.CandidateRejected(p.iteration, key + ": " + reason));
        log.debug("iteration {}: proposal rejected ({}: {})", p.iteration, key, reason);
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
                    + state.rejectionReasons + ")");
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
                yield Pareto.frequencies(Pareto.fronts(state.candidates, top, state.validationIds), agg).keySet();
            }
            default -> Pareto.frequencies(Pareto.fronts(state.candidates, all, state.validationIds), agg).keySet();
        };
        for (int c : selectable) {
            if (!state.candidates.get(c).trainEvaluated.containsAll(trainById.keySet())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reflection calls are not batches the evaluator can refuse, so check before paying for one whose child
     * could not even be scored on its minibatch.
     */
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

    private void checkpoint(String step) {
        state.lastStep = step;
        ctx.checkpoint(state);
    }

    private void emitEvaluated(int iteration, String phase, EvaluationBatch batch) {
        ctx.emit(new OptimizationEvent.CandidateEvaluated(iteration, phase, batch.results().size(), batch.mean(),
                ctx.evaluator().metricCallsUsed()));
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
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("iterations", state.iteration);
        details.put("fullValidations", state.fullValidations);
        details.put("proposalsAccepted", state.proposalsAccepted);
        details.put("proposalsRejected", state.proposalsRejected);
        details.put("rejectionReasons", new TreeMap<>(state.rejectionReasons));
        details.put("skippedPerfectMinibatches", state.skippedPerfect);
        details.put("mergesAttempted", state.mergesAttempted);
        details.put("mergesAccepted", state.mergesAccepted);
        details.put("metricCalls", ctx.evaluator().metricCallsUsed());
        details.put("unvalidatedCandidates", List.copyOf(state.unvalidated));
        details.put("seed", state.seed);
        Map<String, List<Integer>> front = new LinkedHashMap<>();
        state.bestCandidatesByInstance.forEach((k, v) -> front.put(k, List.copyOf(v)));
        details.put("paretoFront", front);
        details.put("options", options.describe());
        return new OptimizerOutcome(best, records, bestIndex, stop, details);
    }
}
