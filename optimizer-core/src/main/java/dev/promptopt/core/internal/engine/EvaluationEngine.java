package dev.promptopt.core.internal.engine;

import dev.promptopt.Aggregation;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.Evaluator;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import dev.promptopt.ModelException;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationStoppedException;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.Scorer;
import dev.promptopt.Secrets;
import dev.promptopt.StopReason;
import dev.promptopt.SystemicFailureException;
import dev.promptopt.core.Hedging;
import dev.promptopt.spi.TaskExecutors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place every predict and judge call goes through (DESIGN.md section 6).
 *
 * <ul>
 *   <li>Concurrency: one semaphore of {@code maxConcurrency} permits for the whole run; one permit covers one
 *       example (its predict call, then its scorers, judges included), so in-flight model calls never exceed
 *       the limit however many batches run at once.</li>
 *   <li>Budget: checked before a batch starts, counting the calls that batches in flight have reserved and the
 *       new calls of the batch itself: a batch that does not fit in what is left does not start, so the metric
 *       calls spent never exceed {@code maxMetricCalls}.</li>
 *   <li>Identity: a cached result is keyed by the candidate and the example's id and content
 *       ({@link Fingerprints#of(Example)}), so two examples sharing an id never share a result.</li>
 *   <li>Cache: a (candidate, example) pair is scored once per run; concurrent requests for the same pair
 *       share one call. Scores go to a journal that survives the process. Outputs are handed out in their
 *       JSON form ({@link ResultRecords#normalize}), the form a resumed run reads back from the journal.</li>
 *   <li>Failures: an example whose predict or scorer still throws after {@value #FAILURE_ATTEMPTS} attempts is
 *       a failed result (score 0, the error as feedback, {@link ExampleResult#failed()}): it costs no metric
 *       call, is neither cached nor journaled, and is asked again when the pair is next needed or the run
 *       resumes. A batch whose new calls all fail, or a long streak of failures, is systemic and stops the
 *       run.</li>
 * </ul>
 */
public final class EvaluationEngine implements Evaluator, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EvaluationEngine.class);
    static final int FAILURE_STREAK_LIMIT = 10;
    /** Attempts per example within one batch (the model client has its own retries below this). */
    static final int FAILURE_ATTEMPTS = 2;

    private final PredictFn predict;
    private final List<Scorer> scorers;
    private final Aggregation aggregation;
    private final Semaphore permits;
    private final ExecutorService executor;
    private final StopConditions stops;
    private final ResultJournal journal;
    private final Consumer<OptimizationEvent> events;
    private final LongSupplier nanoClock;
    private final HedgedPredict hedged;

    private final ConcurrentHashMap<String, CompletableFuture<ExampleResult>> cache = new ConcurrentHashMap<>();
    /** Results journaled after the last checkpoint: served once, and counted as the calls they were. */
    private final ConcurrentHashMap<String, ExampleResult> replay = new ConcurrentHashMap<>();
    private final AtomicLong metricCalls = new AtomicLong();
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    private final ConcurrentHashMap<Same, String> exampleKeys = new ConcurrentHashMap<>();
    private final AtomicInteger failureStreak = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public EvaluationEngine(PredictFn predict, List<Scorer> scorers, Aggregation aggregation, int maxConcurrency,
                            StopConditions stops, ResultJournal journal, Consumer<OptimizationEvent> events,
                            LongSupplier nanoClock) {
        this(predict, scorers, aggregation, maxConcurrency, stops, journal, events, nanoClock, null);
    }

    /** With {@code hedging} (null: off), slow predict calls get a second request ({@link Hedging}). */
    public EvaluationEngine(PredictFn predict, List<Scorer> scorers, Aggregation aggregation, int maxConcurrency,
                            StopConditions stops, ResultJournal journal, Consumer<OptimizationEvent> events,
                            LongSupplier nanoClock, Hedging hedging) {
        this.predict = predict;
        this.scorers = List.copyOf(scorers);
        this.aggregation = aggregation;
        this.permits = new Semaphore(maxConcurrency, true);
        this.executor = TaskExecutors.unbounded("promptopt-eval");
        this.stops = stops;
        this.journal = journal;
        this.events = events;
        this.nanoClock = nanoClock;
        this.hedged = hedging == null ? null : new HedgedPredict(hedging, permits, executor, nanoClock);
    }

    /**
     * Loads journaled results: the first {@code checkpointed} entries become ordinary cache hits; the rest
     * were made after the last checkpoint and are replayed as the calls they were, so a resumed run spends
     * exactly what an uninterrupted one would, without calling any model again.
     */
    public void restore(List<ResultJournal.Entry> entries, long checkpointed, long metricCallsAtCheckpoint) {
        for (int i = 0; i < entries.size(); i++) {
            ResultJournal.Entry e = entries.get(i);
            String key = key(e.candidate(), e.result().example());
            if (i < checkpointed) {
                cache.put(key, CompletableFuture.completedFuture(e.result()));
            } else {
                replay.put(key, e.result());
            }
        }
        metricCalls.set(metricCallsAtCheckpoint);
    }

    @Override
    public EvaluationBatch evaluate(PromptSet candidate, List<Example> examples) {
        try {
            return evaluateAsync(candidate, examples).join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** Like {@link #evaluate} but ignoring the budget, only cancellation (used for the final report only). */
    public EvaluationBatch evaluateUnbudgeted(PromptSet candidate, List<Example> examples) {
        try {
            return start(candidate, examples, false).join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    @Override
    public CompletableFuture<EvaluationBatch> evaluateAsync(PromptSet candidate, List<Example> examples) {
        return start(candidate, examples, true);
    }

    private CompletableFuture<EvaluationBatch> start(PromptSet candidate, List<Example> examples, boolean budgeted) {
        String fp = Fingerprints.of(candidate);
        int newCalls = 0;
        for (Example e : examples) {
            if (!cache.containsKey(key(fp, e))) {
                newCalls++;
            }
        }
        synchronized (this) {
            // Checked and reserved under one lock so two batches cannot both pass the last free slot.
            Optional<StopReason> stop = budgeted ? stops.check(metricCalls.get(), reserved.get(), newCalls)
                    : newCalls > 0 && stops.cancelled()
                    ? Optional.of(new StopReason(StopReason.Kind.CANCELLED, "the run was cancelled"))
                    : Optional.empty();
            if (stop.isPresent()) {
                return CompletableFuture.failedFuture(new OptimizationStoppedException(stop.get()));
            }
            reserved.addAndGet(newCalls);
        }
        int reservation = newCalls;
        return CompletableFuture.supplyAsync(() -> runBatch(candidate, fp, examples, reservation), executor);
    }

    private EvaluationBatch runBatch(PromptSet candidate, String fp, List<Example> examples, int reservation) {
        List<CompletableFuture<ExampleResult>> futures = new ArrayList<>(examples.size());
        List<Boolean> mine = new ArrayList<>(examples.size());
        AtomicInteger consumed = new AtomicInteger(); // reserved calls this batch has turned into spent ones
        StopReason stoppedBy = null;
        try {
            for (Example example : examples) {
                String key = key(fp, example);
                CompletableFuture<ExampleResult> created = new CompletableFuture<>();
                CompletableFuture<ExampleResult> existing = cache.putIfAbsent(key, created);
                if (existing != null) {
                    futures.add(existing);
                    mine.add(false);
                    continue;
                }
                futures.add(created);
                mine.add(true);
                ExampleResult replayed = replay.remove(key);
                if (replayed != null) {
                    spend(consumed);
                    created.complete(replayed);
                    continue;
                }
                if (stops.cancelled()) {
                    stoppedBy = new StopReason(StopReason.Kind.CANCELLED, "the run was cancelled");
                    created.completeExceptionally(new CancellationException("cancelled"));
                    cache.remove(key, created);
                    continue;
                }
                permits.acquireUninterruptibly();
                if (stops.cancelled()) { // cancelled while this batch waited for a permit
                    permits.release();
                    stoppedBy = new StopReason(StopReason.Kind.CANCELLED, "the run was cancelled");
                    created.completeExceptionally(new CancellationException("cancelled"));
                    cache.remove(key, created);
                    continue;
                }
                executor.execute(() -> {
                    ExampleResult r = null;
                    Throwable error = null;
                    try {
                        r = evaluateWithRetry(candidate, fp, example);
                        if (r.failed()) {
                            failedCalls.incrementAndGet(); // a failure is not a score: no metric call spent
                        } else {
                            spend(consumed);
                        }
                    } catch (Throwable t) {
                        error = t;
                    } finally {
                        permits.release(); // before the result is seen: a finished batch holds no permit
                    }
                    if (error != null) {
                        created.completeExceptionally(error);
                    } else {
                        created.complete(r);
                    }
                });
            }
            List<ExampleResult> results = new ArrayList<>(examples.size());
            List<ExampleResult> fresh = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                ExampleResult r;
                try {
                    r = futures.get(i).get();
                } catch (CancellationException e) {
                    stoppedBy = stoppedBy != null ? stoppedBy : new StopReason(StopReason.Kind.CANCELLED, "the run was cancelled");
                    continue;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof CancellationException) {
                        stoppedBy = stoppedBy != null ? stoppedBy : new StopReason(StopReason.Kind.CANCELLED, "the run was cancelled");
                        continue;
                    }
                    // Not an example failure (those are results): an Error or a journal I/O failure. Forget the
                    // pair so that nothing later is served a broken entry, and let the run fail loudly.
                    cache.remove(key(fp, examples.get(i)), futures.get(i));
                    throw rethrow(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new OptimizationStoppedException(new StopReason(StopReason.Kind.CANCELLED, "interrupted"));
                }
                if (mine.get(i)) {
                    fresh.add(r);
                    results.add(r);
                    if (r.failed()) {
                        // Not cached: the pair is asked again when next needed (and, not journaled, on resume).
                        cache.remove(key(fp, examples.get(i)), futures.get(i));
                    }
                } else {
                    results.add(r.failed() ? r : r.asCached());
                }
            }
            if (stoppedBy != null) {
                throw new OptimizationStoppedException(stoppedBy);
            }
            checkSystemic(fresh);
            EvaluationBatch batch = new EvaluationBatch(candidate, results);
            events.accept(new OptimizationEvent.BatchEvaluated(batch, metricCalls.get()));
            events.accept(new OptimizationEvent.BudgetUpdated(metricCalls.get(), stops.budget().maxMetricCalls(), stops.elapsed(),
                    stops.costUsd()));
            return batch;
        } finally {
            reserved.addAndGet(consumed.get() - reservation); // give back what was reserved but not spent
        }
    }

    /**
     * Moves one call from reserved to spent under the budget lock, so a concurrent budget check never counts a
     * finished call twice (once spent, once still reserved).
     */
    private synchronized void spend(AtomicInteger consumed) {
        metricCalls.incrementAndGet();
        reserved.decrementAndGet();
        consumed.incrementAndGet();
    }

    private void checkSystemic(List<ExampleResult> fresh) {
        long failed = fresh.stream().filter(ExampleResult::failed).count();
        boolean allFailed = fresh.size() >= 2 && failed == fresh.size();
        boolean streak = failureStreak.get() >= FAILURE_STREAK_LIMIT;
        if (!allFailed && !streak) {
            return;
        }
        ExampleResult first = fresh.stream().filter(ExampleResult::failed).findFirst().orElseThrow();
        String why = allFailed ? "all " + fresh.size() + " calls of a batch failed"
                : FAILURE_STREAK_LIMIT + " calls in a row failed";
        throw new SystemicFailureException("the run stopped: " + why + "; first error, on " + first.example().describe()
                + ": " + first.error() + ". The checkpoint is intact: fix the cause and resume the run.", null);
    }

    private ExampleResult evaluateWithRetry(PromptSet candidate, String fp, Example example) {
        ExampleResult r = evaluateOne(candidate, fp, example);
        for (int attempt = 2; attempt <= FAILURE_ATTEMPTS && r.failed() && !stops.cancelled(); attempt++) {
            log.debug("{} failed (attempt {} of {}), asking again: {}", example.describe(), attempt - 1,
                    FAILURE_ATTEMPTS, r.error());
            r = evaluateOne(candidate, fp, example);
        }
        return r;
    }

    private ExampleResult evaluateOne(PromptSet candidate, String fp, Example example) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        // The metered models called on this thread, predict and judges, are this attempt's usage.
        ExampleUsageScope scope = ExampleUsageScope.open();
        try {
            ExampleResult r = scoreOne(candidate, example);
            return recorded(fp, r.withUsage(scope.usage()));
        } finally {
            scope.close();
            inFlight.decrementAndGet();
        }
    }

    private ExampleResult scoreOne(PromptSet candidate, Example example) {
        long t0 = nanoClock.getAsLong();
        Object output;
        try {
            output = hedged == null ? predict.predict(example.inputs(), candidate)
                    : hedged.predict(predict, example.inputs(), candidate);
        } catch (Exception e) {
            String error = "prediction failed: " + describe(e);
            Map<String, Feedback> fb = new LinkedHashMap<>();
            for (Scorer s : scorers) {
                fb.put(s.name(), Feedback.fail(error));
            }
            return new ExampleResult(example, null, fb, 0.0, error, nanoClock.getAsLong() - t0, false);
        }
        Map<String, Feedback> fb = new LinkedHashMap<>();
        String error = null;
        for (Scorer s : scorers) {
            try {
                Feedback f = s.score(example, output);
                fb.put(s.name(), f == null ? Feedback.fail("scorer returned no feedback") : f);
            } catch (Exception e) {
                String msg = "scorer '" + s.name() + "' failed: " + describe(e);
                error = error == null ? msg : error + "; " + msg;
                fb.put(s.name(), Feedback.fail(msg));
            }
        }
        double score = error == null ? aggregation.aggregate(fb) : 0.0;
        return new ExampleResult(example, ResultRecords.normalize(output), fb, score, error,
                nanoClock.getAsLong() - t0, false);
    }

    private ExampleResult recorded(String fp, ExampleResult r) {
        if (r.failed()) {
            int streak = failureStreak.incrementAndGet();
            log.debug("{} failed ({} in a row): {}", r.example().describe(), streak, r.error());
        } else {
            failureStreak.set(0);
            if (journal != null) {
                journal.append(fp, r);
            }
        }
        return r;
    }

    private static String describe(Throwable e) {
        String kind = e instanceof ModelException me ? (me.retriable() ? "model error (retriable)" : "model error")
                : e.getClass().getSimpleName();
        return Secrets.redact(kind + ": " + e.getMessage()); // error texts become feedback, journal lines and prompts
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new CompletionException(t);
    }

    private String key(String fp, Example example) {
        return fp + '\u0000' + exampleKeys.computeIfAbsent(new Same(example), s -> Fingerprints.of(s.example()));
    }

    /** An example by identity: the run's datasets hand out the same objects, so each is hashed once. */
    private record Same(Example example) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Same s && s.example == example;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(example);
        }
    }

    @Override
    public long metricCallsUsed() {
        return metricCalls.get();
    }

    /** Examples that still failed after their attempts (no metric call counted for them). */
    public long failedCalls() {
        return failedCalls.get();
    }

    /** Extra predict requests sent by hedging (none when it is off); they cost no metric call. */
    public long hedgedCalls() {
        return hedged == null ? 0 : hedged.hedgedCalls();
    }

    /** Whether slow predict calls are hedged. */
    public boolean hedging() {
        return hedged != null;
    }

    /** Permits of the concurrency limit free right now. */
    public int availablePermits() {
        return permits.availablePermits();
    }

    /** The most predict/scorer tasks ever in flight at once. */
    public int maxObservedInFlight() {
        return maxInFlight.get();
    }

    public StopConditions stops() {
        return stops;
    }

    /** Stops new calls; batches in flight end with {@link OptimizationStoppedException}. */
    public void cancel() {
        stops.cancel();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        if (journal != null) {
            journal.close();
        }
    }
}
