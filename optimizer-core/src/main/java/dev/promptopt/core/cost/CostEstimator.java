package dev.promptopt.core.cost;

import dev.promptopt.TokenUsage;
import java.util.Objects;

/**
 * A pre-run estimate of what an optimization run will cost, as a low/high range in USD, from the dataset size,
 * the budget in metric calls and the average rendered prompt size.
 *
 * <pre>{@code
 * CostEstimator.Estimate e = CostEstimator.with(CostTable.defaults())
 *     .taskModel("openai:/gpt-4o-mini")
 *     .judgeModel("openai:/gpt-4o", 1)
 *     .reflectionModel("openai:/gpt-4o")
 *     .estimate(50, 300, 400);      // 50 validation examples, 300 metric calls, ~400-token prompts
 * log.info("this run should cost ${}-${}", e.low(), e.high());
 * }</pre>
 *
 * <p>The model, per metric call (one candidate on one example): one task call (prompt {@code P} tokens in,
 * {@code taskOutput} out) and {@code judgeCallsPerMetricCall} judge calls (in: {@code P + 2 x taskOutput +
 * judgeOverhead}, out: {@code judgeOutput}). Reflection calls, one per optimizer iteration of
 * {@code minibatchSize} examples (in: {@code reflectionOverhead + P + minibatch x (P + taskOutput + judgeOutput)},
 * out: {@code P/2} to {@code 2P + 100}).
 * <ul>
 *   <li>low: the run spends exactly its metric-call budget, with the shortest answers, and every iteration
 *       also costs a full validation pass ({@code maxMetricCalls / (2 x minibatch + datasetSize)} reflections);</li>
 *   <li>high: it overshoots by one full validation pass (the batch in flight, a final evaluation), with the
 *       longest answers, and every iteration is a minibatch ({@code maxMetricCalls / minibatch} reflections).</li>
 * </ul>
 */
public final class CostEstimator {
    /** A low/high range in USD, with the number of model calls assumed at each end. */
    public record Estimate(double low, double high, long lowCalls, long highCalls) {
        public boolean brackets(double actual) {
            return actual >= low && actual <= high;
        }
    }

    private final CostTable costTable;
    private String taskModel;
    private String judgeModel;
    private int judgeCallsPerMetricCall;
    private String reflectionModel;
    private int taskOutputLow = 4;
    private int taskOutputHigh = 256;
    private int judgeOutputLow = 20;
    private int judgeOutputHigh = 200;
    private int judgeOverhead = 250;
    private int reflectionOverhead = 600;
    private int minibatchSize = 3;

    private CostEstimator(CostTable costTable) {
        this.costTable = Objects.requireNonNull(costTable, "costTable");
    }

    public static CostEstimator with(CostTable costTable) {
        return new CostEstimator(costTable);
    }

    public CostEstimator taskModel(String model) {
        this.taskModel = Objects.requireNonNull(model, "model");
        return this;
    }

    /** The judge model, and how many judge calls each metric call makes (one per LLM-judge scorer). */
    public CostEstimator judgeModel(String model, int callsPerMetricCall) {
        if (callsPerMetricCall < 0) {
            throw new IllegalArgumentException("callsPerMetricCall must be >= 0, found " + callsPerMetricCall);
        }
        this.judgeModel = model;
        this.judgeCallsPerMetricCall = model == null ? 0 : callsPerMetricCall;
        return this;
    }

    public CostEstimator reflectionModel(String model) {
        this.reflectionModel = model;
        return this;
    }

    /** The range of the task model's answer length in tokens; default 4 to 256. */
    public CostEstimator taskOutputTokens(int low, int high) {
        checkRange("taskOutputTokens", low, high);
        taskOutputLow = low;
        taskOutputHigh = high;
        return this;
    }

    /** The range of a judge's answer length in tokens; default 20 to 200. */
    public CostEstimator judgeOutputTokens(int low, int high) {
        checkRange("judgeOutputTokens", low, high);
        judgeOutputLow = low;
        judgeOutputHigh = high;
        return this;
    }

    /** Tokens the judge's own instructions add to its prompt; default 250. */
    public CostEstimator judgeOverheadTokens(int tokens) {
        judgeOverhead = nonNegative("judgeOverheadTokens", tokens);
        return this;
    }

    /** Tokens the reflection instructions add to its prompt; default 600. */
    public CostEstimator reflectionOverheadTokens(int tokens) {
        reflectionOverhead = nonNegative("reflectionOverheadTokens", tokens);
        return this;
    }

    /** Examples per optimizer iteration (GEPA's reflection minibatch); default 3. */
    public CostEstimator minibatchSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("minibatchSize must be > 0, found " + size);
        }
        minibatchSize = size;
        return this;
    }

    /**
     * The range.
     *
     * @param datasetSize     validation examples (one full evaluation pass)
     * @param maxMetricCalls  the budget in metric calls
     * @param avgPromptTokens average rendered task prompt, in tokens
     */
    public Estimate estimate(int datasetSize, long maxMetricCalls, int avgPromptTokens) {
        if (taskModel == null) {
            throw new IllegalStateException("taskModel is required");
        }
        if (datasetSize <= 0 || maxMetricCalls <= 0 || avgPromptTokens < 0) {
            throw new IllegalArgumentException("datasetSize and maxMetricCalls must be > 0 and avgPromptTokens >= 0, found "
                    + datasetSize + ", " + maxMetricCalls + ", " + avgPromptTokens);
        }
        long p = avgPromptTokens;
        long lowMetric = maxMetricCalls;
        long highMetric = maxMetricCalls + datasetSize;
        long lowReflections = reflectionModel == null ? 0 : ceilDiv(maxMetricCalls, 2L * minibatchSize + datasetSize);
        long highReflections = reflectionModel == null ? 0 : ceilDiv(highMetric, minibatchSize);

        double low = side(lowMetric, lowReflections, p, taskOutputLow, judgeOutputLow, Math.max(1, p / 2));
        double high = side(highMetric, highReflections, p, taskOutputHigh, judgeOutputHigh, 2 * p + 100);
        long lowCalls = lowMetric * (1 + judgeCallsPerMetricCall) + lowReflections;
        long highCalls = highMetric * (1 + judgeCallsPerMetricCall) + highReflections;
        return new Estimate(low, high, lowCalls, highCalls);
    }

    private double side(long metricCalls, long reflections, long p, long taskOut, long judgeOut, long reflectionOut) {
        double dollars = costTable.cost(taskModel, new TokenUsage(metricCalls * p, metricCalls * taskOut));
        if (judgeModel != null && judgeCallsPerMetricCall > 0) {
            long calls = metricCalls * judgeCallsPerMetricCall;
            dollars += costTable.cost(judgeModel, new TokenUsage(calls * (p + 2 * taskOut + judgeOverhead), calls * judgeOut));
        }
        if (reflectionModel != null && reflections > 0) {
            long in = reflectionOverhead + p + (long) minibatchSize * (p + taskOut + judgeOut);
            dollars += costTable.cost(reflectionModel, new TokenUsage(reflections * in, reflections * reflectionOut));
        }
        return dollars;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static void checkRange(String what, int low, int high) {
        if (low < 0 || high < low) {
            throw new IllegalArgumentException(what + " needs 0 <= low <= high, found " + low + ".." + high);
        }
    }

    private static int nonNegative(String what, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, found " + v);
        }
        return v;
    }
}
