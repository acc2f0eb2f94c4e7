package dev.promptopt.core.bench;

import dev.promptopt.Aggregation;
import dev.promptopt.Budget;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import dev.promptopt.core.internal.engine.EvaluationEngine;
import dev.promptopt.core.internal.engine.StopConditions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Engine benchmark: overhead per metric call with an instant model, and wall time of 1,000 calls
 * with a 20 ms model at concurrency 1, 8 and 16 next to the physical limit (calls x latency / concurrency).
 *
 * <pre>{@code scripts/bench.sh optimizer-core dev.promptopt.core.bench.EngineBench}</pre>
 */
public final class EngineBench {
    private static final Scorer EQUALS = Scorer.of("equals", (e, out) -> Feedback.of(out.equals(e.outputs()), "compared"));

    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "java %s, %d cores%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        overhead();
        for (int c : new int[] {1, 8, 16}) {
            latency(c, 1000, 20);
        }
    }

    private static List<Example> examples(int n) {
        return IntStream.range(0, n).mapToObj(i -> Example.of("e" + i, Map.of("x", "v" + i), "v" + i)).toList();
    }

    private static EvaluationEngine engine(PredictFn predict, int concurrency) {
        return new EvaluationEngine(predict, List.of(EQUALS), Aggregation.mean(), concurrency,
                new StopConditions(Budget.unlimited(), null, System::nanoTime, Duration.ZERO), null, e -> { },
                System::nanoTime);
    }

    private static void overhead() {
        PredictFn instant = (inputs, prompts) -> inputs.get("x");
        List<Example> batch = examples(100);
        try (EvaluationEngine engine = engine(instant, 8)) {
            int candidates = 0;
            for (int round = 0; round < 3; round++) { // warm-up, then two measured rounds
                int n = 0;
                long t0 = System.nanoTime();
                for (int i = 0; i < 1000; i++) {
                    engine.evaluate(PromptSet.of("p", PromptTemplate.text("Echo {{x}} " + candidates++)), batch);
                    n += batch.size();
                }
                long t = System.nanoTime() - t0;
                if (round > 0) {
                    System.out.printf(Locale.ROOT, "overhead: %d metric calls (instant model, concurrency 8, batches of 100): "
                            + "%.2f us per metric call, %.0f calls/s%n", n, t / 1e3 / n, n / (t / 1e9));
                }
            }
            // Cache hits: the same candidate again.
            PromptSet same = PromptSet.of("p", PromptTemplate.text("Echo {{x}} 0"));
            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                engine.evaluate(same, batch);
            }
            long t = System.nanoTime() - t0;
            System.out.printf(Locale.ROOT, "cache hit: %.2f us per (candidate, example) pair%n", t / 1e3 / 100_000);
        }
    }

    private static void latency(int concurrency, int calls, long latencyMillis) {
        PredictFn slow = (inputs, prompts) -> {
            Thread.sleep(latencyMillis);
            return inputs.get("x");
        };
        try (EvaluationEngine engine = engine(slow, concurrency)) {
            List<Example> batch = examples(calls);
            long t0 = System.nanoTime();
            engine.evaluate(PromptSet.of("p", PromptTemplate.text("Echo {{x}}")), batch);
            double wall = (System.nanoTime() - t0) / 1e9;
            double limit = calls * latencyMillis / 1000.0 / concurrency;
            System.out.printf(Locale.ROOT, "%d calls x %d ms at concurrency %2d: wall %.2f s, limit %.2f s (%.1f%% over)%n",
                    calls, latencyMillis, concurrency, wall, limit, (wall / limit - 1) * 100);
        }
    }
}
