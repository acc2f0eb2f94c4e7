package dev.promptopt.gepa;

import dev.promptopt.Dataset;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.PromptOptimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time of a GEPA run with a budget of 300 metric calls against a scripted target model with 50 ms
 * latency, at concurrency 1, 8 and 16, next to two limits: the physical one (calls x latency / concurrency)
 * and the batch one (each batch of n new calls takes at least ceil(n / concurrency) x latency, and GEPA's
 * batches depend on each other: a minibatch has only b = 3 examples).
 *
 * <pre>{@code scripts/bench.sh optimizer-gepa dev.promptopt.gepa.GepaBench}</pre>
 */
public final class GepaBench {
    private static final long LATENCY_MS = 50;
    private static final long BUDGET = 300;

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "java %s, %d cores; GEPA, budget %d metric calls, target latency %d ms%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), BUDGET, LATENCY_MS);
        for (int concurrency : new int[] {1, 8, 16}) {
            run(concurrency);
        }
    }

    private static void run(int concurrency) throws Exception {
        // Every word in both sets (distinct ids), two prompts and a forgetful reflector: the search keeps
        // finding trade-offs and spends its whole budget, with full validations of 24 examples.
        List<String> words = new ArrayList<>(RuleWorld.CATEGORY.keySet());
        Dataset train = RuleWorld.data("t", words);
        Dataset validation = RuleWorld.data("v", words);
        PromptRegistry registry = PromptRegistry.inMemory();
        RuleWorld.twoPrompts().asMap().forEach(registry::register);
        RuleWorld.Target target = new RuleWorld.Target(LATENCY_MS);
        List<Long> batchCalls = new ArrayList<>();
        long[] last = {0};
        Path runs = Files.createTempDirectory("gepa-bench");

        long t0 = System.nanoTime();
        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry)
                .prompts("prompts:/a_task/1", "prompts:/b_rules/1")
                .predictFn(RuleWorld.predict(target))
                .trainData(train)
                .validationData(validation)
                .scorers(RuleWorld.SCORER)
                .optimizer(new Gepa(Gepa.options().reflectionModel(new RuleWorld.Reflector(1, 1)).merge(true)
                        .maxMetricCalls(BUDGET)))
                .maxConcurrency(concurrency)
                .randomSeed(7)
                .runDirectory(runs)
                .listener(e -> {
                    if (e instanceof OptimizationEvent.CandidateEvaluated ev && ev.metricCallsUsed() > last[0]) {
                        batchCalls.add(ev.metricCallsUsed() - last[0]);
                        last[0] = ev.metricCallsUsed();
                    }
                })
                .run();
        double wall = (System.nanoTime() - t0) / 1e9;

        long calls = target.calls.get();
        double physical = calls * LATENCY_MS / 1000.0 / concurrency;
        double batchBound = 0;
        for (long n : batchCalls) {
            batchBound += Math.ceil(n / (double) concurrency) * LATENCY_MS / 1000.0;
        }
        // the final scoring of the best candidate is cached: no model calls after the optimizer
        System.out.printf(Locale.ROOT, "concurrency %2d: %d model calls (%d metric calls, %d batches, %s iterations), "
                        + "wall %.2f s, physical limit %.2f s, batch limit %.2f s (%.0f%% over it), score %.3f -> %.3f%n",
                concurrency, calls, result.metricCalls(), batchCalls.size(), result.optimizerStats(GepaStats.class).orElseThrow().iterations(),
                wall, physical, batchBound, (wall / batchBound - 1) * 100, result.initialScore(), result.finalScore());
        GepaStats d = result.optimizerStats(GepaStats.class).orElseThrow();
        System.out.printf(Locale.ROOT, "    candidates %d, full validations %s, merges %s/%s, rejections %s, stop: %s%n",
                result.candidates().size(), d.fullValidations(), d.mergesAccepted(), d.mergesAttempted(),
                d.rejectionReasons(), result.stopReason().description());
    }
}
