package dev.promptopt.managed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.LanguageModel;
import dev.promptopt.ObjectStore;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationListener;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.Secrets;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.io.JsonSupport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One managed optimization run (SAP's "execution"): created PENDING by {@link Executions#create}, then
 * {@link #run()} optimizes the base prompt for each target model in turn (run ids {@code <id>-1}, {@code <id>-2}, ...,
 * after the base model's evaluation {@code <id>-0} when one is configured), registers each optimized prompt under its
 * mapped name when it beats the base prompt, and writes {@code <id>/result-data/results.json} to the {@code default}
 * store. Progress and log lines are saved to {@code <id>/execution.json} as it goes.
 *
 * <pre>{@code
 * Execution e = executions.create(config);
 * new Thread(e::run).start();
 * e.state().targets();   // progress per target model
 * e.cancel();            // stops before the next batch of calls: STOPPED, resumable
 * }</pre>
 */
public final class Execution {
    private static final Logger log = LoggerFactory.getLogger(Execution.class);

    private final Executions owner;
    private final Executions.Plan plan;
    private final String id;
    private volatile ExecutionState state;
    private volatile boolean cancelled;
    private volatile PromptOptimizer current;
    private volatile RunMirror currentMirror;
    private final AtomicLong currentCalls = new AtomicLong();
    private volatile int currentIndex = Integer.MIN_VALUE;
    private volatile ExecutionLease lease;
    private volatile RuntimeException leaseLost;

    Execution(Executions owner, Executions.Plan plan, ExecutionState state) {
        this.owner = owner;
        this.plan = plan;
        this.id = state.id();
        this.state = state;
    }

    public String id() {
        return id;
    }

    /** The latest state this process knows. */
    public ExecutionState state() {
        return state;
    }

    public ExecutionStatus status() {
        return state.status();
    }

    /** Stops the running execution before its next batch of calls; it ends STOPPED and can be resumed. */
    public void cancel() {
        cancelled = true;
        PromptOptimizer po = current;
        if (po != null) {
            po.cancel();
        }
    }

    /**
     * Runs (or continues) the execution to its end and returns the final state: COMPLETED, STOPPED (cancelled) or
     * FAILED (the error is in the state and in the log; the checkpoints stay, so it can be resumed).
     *
     * @throws dev.promptopt.RunInUseException when another worker holds a live lease on the execution, or takes it over
     *                                         while this one runs (this worker was presumed dead)
     */
    public ExecutionState run() {
        if (state.status() == ExecutionStatus.COMPLETED) {
            return state;
        }
        ObjectStore out = owner.stores.defaultStore();
        // One worker per execution: a live lease of another worker refuses this run; an expired one is taken over.
        ExecutionLease l = new ExecutionLease(out, id, owner.workerId, owner.clock, owner.leaseDuration);
        l.acquire();
        lease = l;
        leaseLost = null;
        try {
            return runLeased(out);
        } finally {
            lease = null;
            if (leaseLost == null) {
                l.release();
            }
        }
    }

    private ExecutionState runLeased(ObjectStore out) {
        ScheduledExecutorService sync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "execution-" + id + "-sync");
            t.setDaemon(true);
            return t;
        });
        long period = owner.syncInterval.toMillis();
        sync.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
        try {
            update(st -> st.withStatus(ExecutionStatus.RUNNING, null).withLog(Instant.now() + " running"));
            ObjectNode results = JsonSupport.mapper().createObjectNode();
            results.put("execution_id", id);
            results.put("optimization_metric", plan.config().optimizationMetric());
            if (plan.baseModel() != null) {
                ObjectNode target = runOne(-1, plan.config().baseModel(), plan.baseModel());
                if (target == null) {
                    return stopped();
                }
                ObjectNode origin = results.putObject("origin_model");
                origin.put("model_name", Secrets.redact(plan.config().baseModel()));
                origin.set("score", target.get("pre_optimization_score"));
            } else {
                results.putNull("origin_model");
            }
            var targets = results.putArray("target_models");
            for (int i = 0; i < plan.config().targetModels().size(); i++) {
                String model = plan.config().targetModels().get(i);
                ObjectNode entry = runOne(i, model, plan.targets().get(model));
                if (entry == null) {
                    return stopped();
                }
                targets.add(entry);
            }
            out.put(id + "/result-data/results.json", Executions.storedJson(results));
            return update(st -> st.withStatus(ExecutionStatus.COMPLETED, null)
                    .withLog(Instant.now() + " completed: results in " + out.describe() + "/" + id + "/result-data/results.json"));
        } catch (RuntimeException e) {
            if (leaseLost != null) {
                leaseLost.addSuppressed(e);
                throw leaseLost;
            }
            log.error("execution {} failed", id, Secrets.redacted(e));
            String message = Secrets.redact(e.getMessage() == null ? e.toString() : e.getMessage());
            update(st -> st.withStatus(ExecutionStatus.FAILED, message).withLog(Instant.now() + " failed: " + message));
            return state;
        } finally {
            sync.shutdownNow();
            try {
                sync.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ExecutionState stopped() {
        if (leaseLost != null) {
            throw leaseLost;
        }
        return update(st -> st.withStatus(ExecutionStatus.STOPPED, null).withLog(Instant.now() + " stopped on request"));
    }

    /** Runs target {@code index} (-1: the base model); returns its result entry, or null when cancelled. */
    private ObjectNode runOne(int index, String modelUri, LanguageModel model) {
        ExecutionState.TargetProgress progress = index < 0 ? state.origin() : state.targets().get(index);
        ObjectStore out = owner.stores.defaultStore();
        String runId = progress.runId();
        String entryKey = id + "/runs/" + runId + "/target-result.json";
        if (progress.status() == ExecutionStatus.COMPLETED && out.exists(entryKey)) {
            return (ObjectNode) readJson(out.get(entryKey));
        }
        if (cancelRequested()) {
            return null;
        }
        Path runs = owner.workDirectory.resolve(id).resolve("runs");
        RunMirror mirror = new RunMirror(out, id + "/runs/" + runId + "/", runs.resolve(runId));
        boolean resume = mirror.restore();
        PromptOptimizer.Builder b = owner.optimizerBuilder(plan, modelUri, model, runId, runs, resume);
        b.listener(progressListener());
        owner.listeners.forEach(b::listener);
        PromptOptimizer po = b.build();
        currentCalls.set(progress.metricCallsUsed());
        currentIndex = index;
        currentMirror = mirror;
        current = po;
        if (cancelled) {
            po.cancel();
        }
        update(st -> st.withTarget(index, progress.withStatus(ExecutionStatus.RUNNING))
                .withLog(Instant.now() + " " + (resume ? "resuming " : "starting ") + runId + " for " + Secrets.redact(modelUri)));
        OptimizationResult r;
        try {
            r = po.run();
        } finally {
            current = null;
            currentMirror = null;
            currentIndex = Integer.MIN_VALUE;
            if (leaseLost == null) {
                mirror.push(); // a worker that lost its lease must not overwrite the new owner's copy
            }
        }
        String registered = r.optimizedPrompts().isEmpty() ? null : r.optimizedPrompts().get(0).uri();
        ObjectNode entry = Executions.sapEntry(modelUri, r.initialScore(), r.finalScore(),
                Executions.withFewShot(r.bestTemplates().get(plan.base().name()), plan.fewShot()),
                index < 0 ? null : progress.promptName(), registered, r.metricCalls());
        if (cancelled || cancelRequested()) {
            update(st -> st.withTarget(index, progress.withCalls(r.metricCalls()).withStatus(ExecutionStatus.STOPPED)));
            return null;
        }
        out.put(entryKey, Executions.storedJson(entry));
        ExecutionState.TargetProgress done = new ExecutionState.TargetProgress(progress.model(), runId, progress.promptName(),
                ExecutionStatus.COMPLETED, r.metricCalls(), progress.maxMetricCalls(), r.initialScore(), r.finalScore(), registered);
        update(st -> st.withTarget(index, done).withLog(Instant.now() + " " + runId + " (" + Secrets.redact(modelUri) + "): score "
                + fmt(r.initialScore()) + " -> " + fmt(r.finalScore())
                + (index < 0 ? "" : registered == null ? ", not better than the base prompt: nothing registered"
                : ", registered " + registered)));
        return entry;
    }

    private OptimizationListener progressListener() {
        return event -> {
            if (event instanceof OptimizationEvent.BudgetUpdated u) {
                currentCalls.set(u.metricCallsUsed());
            } else if (event instanceof OptimizationEvent.CandidateEvaluated e) {
                currentCalls.set(e.metricCallsUsed());
            }
        };
    }

    /** Every sync interval: the cancel marker, progress, and the run folder's copy in the store. */
    private void tick() {
        ExecutionLease l = lease;
        if (l != null && leaseLost == null) {
            try {
                l.renew();
            } catch (dev.promptopt.RunInUseException lost) {
                log.error("{}", lost.getMessage());
                leaseLost = lost;
                cancel();
                return;
            } catch (RuntimeException e) {
                log.warn("execution {}: could not renew the lease: {}", id, e.toString());
            }
        }
        try {
            if (!cancelled && cancelRequested()) {
                log.info("execution {}: cancel requested", id);
                cancel();
            }
            int index = currentIndex;
            RunMirror mirror = currentMirror;
            if (index != Integer.MIN_VALUE) {
                long calls = currentCalls.get();
                update(s -> {
                    ExecutionState.TargetProgress p = index < 0 ? s.origin() : s.targets().get(index);
                    return p == null || p.metricCallsUsed() == calls || currentIndex != index ? s
                            : s.withTarget(index, p.withCalls(calls));
                });
            }
            if (mirror != null) {
                mirror.push();
            }
        } catch (RuntimeException e) {
            // The next tick retries; a store that stays unreachable fails the run at its end instead.
            log.warn("execution {}: could not sync with the store: {}", id, e.toString());
        }
    }

    private boolean cancelRequested() {
        return owner.stores.defaultStore().exists(id + "/CANCEL");
    }

    /** Applies a change to the latest state and saves it; changes from the sync thread and the run never overwrite each other. */
    synchronized ExecutionState update(java.util.function.UnaryOperator<ExecutionState> change) {
        return save(change.apply(state));
    }

    synchronized ExecutionState save(ExecutionState s) {
        state = s;
        if (leaseLost != null) {
            return s; // another worker owns the execution now: its state is not ours to write
        }
        owner.stores.defaultStore().put(id + "/execution.json", Executions.storedJson(s));
        for (Consumer<ExecutionState> l : owner.stateListeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                log.warn("state listener {} failed", l, e);
            }
        }
        if (!s.log().isEmpty()) {
            log.debug("execution {}: {}", id, s.log().get(s.log().size() - 1));
        }
        return s;
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            return JsonSupport.mapper().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new PromptOptimizerException("corrupt JSON in the execution's store: " + e.getMessage(), e);
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    @Override
    public String toString() {
        return "Execution[" + id + ", " + state.status() + "]";
    }

    List<String> log() {
        return state.log();
    }
}
