package dev.promptopt.benchmarks.jmh;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The evaluation engine's own cost: one {@link Evaluation} of a batch of examples against an instant model
 * (the predict function only renders the template and echoes an input), scored by one exact-match scorer.
 * What is measured is the engine's work per metric call (dispatch to the workers, scoring, the per-example
 * results and the aggregate); divide the time per operation by {@code examples} for the cost of one call.
 *
 * <pre>{@code scripts/bench-jmh.sh EvaluationBenchmark}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EvaluationBenchmark {
    /** Examples per evaluation. */
    @Param({"100"})
    public int examples;

    /** Worker threads of the evaluation. */
    @Param({"1", "8"})
    public int concurrency;

    private Dataset data;
    private PromptSet prompts;
    private Scorer exactMatch;
    private PredictFn echo;

    /** Builds the data set and the instant model once per fork. */
    @Setup
    public void setUp() {
        data = Dataset.of("bench", IntStream.range(0, examples)
                .mapToObj(i -> Example.of("e" + i, Map.of("word", "w" + i), "w" + i))
                .toList());
        prompts = PromptSet.of("echo", PromptTemplate.text("Repeat the word {{word}}."));
        exactMatch = Scorer.of("exact_match", (example, output) ->
                Feedback.of(output.equals(example.outputs()), "compared with the expected word"));
        echo = (inputs, set) -> {
            set.get("echo").format(inputs);
            return inputs.get("word");
        };
    }

    /** One evaluation of the whole batch. */
    @Benchmark
    public EvaluationResult evaluateBatch() {
        EvaluationResult result = Evaluation.of(echo)
                .data(data)
                .prompts(prompts)
                .scorers(exactMatch)
                .maxConcurrency(concurrency)
                .run();
        if (result.score() != 1.0) {
            throw new IllegalStateException("the echo model should score 1.0, scored " + result.score());
        }
        return result;
    }
}
