package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.SystemicFailureException;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptOptimizerResumeTest {
    static final List<String> HINTS = List.of("Be polite.", "Answer with one word.", "Think first.", "Use lowercase.");
    static final Dataset DATA = Dataset.of(IntStream.range(0, 6)
            .mapToObj(i -> Example.of("r" + i, Map.of("text", i % 2 == 0 ? "I love it " + i : "I hate it " + i),
                    i % 2 == 0 ? "positive" : "negative"))
            .toList());

    private static PredictFn counting(AtomicInteger calls) {
        return (inputs, prompts) -> {
            calls.incrementAndGet();
            return QuickStartTest.TARGET.chat(prompts.get("sentiment").format(inputs)).text();
        };
    }

    private static PromptOptimizer.Builder builder(PromptRegistry registry, PredictFn predict, HillClimbOptimizer opt, Path runs) {
        return builder(registry, predict, opt, runs, 3);
    }

    private static PromptOptimizer.Builder builder(PromptRegistry registry, PredictFn predict, HillClimbOptimizer opt, Path runs,
                                                   int maxConcurrency) {
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1").predictFn(predict)
                .trainData(DATA).scorers(Scorers.exactMatch()).optimizer(opt).budget(Budget.metricCalls(100))
                .runDirectory(runs).maxConcurrency(maxConcurrency);
    }

    private static PromptRegistry registry() {
        PromptRegistry r = PromptRegistry.inMemory();
        r.register("sentiment", "Classify.\nText: {{text}}");
        return r;
    }

    @Test
    void aKilledRunResumesWithZeroRepeatedCallsAndTheSameResult(@TempDir Path dir) {
        AtomicInteger straightCalls = new AtomicInteger();
        OptimizationResult straight = builder(registry(), counting(straightCalls),
                new HillClimbOptimizer("sentiment", HINTS), dir.resolve("a")).runId("straight").run();

        for (int crashAfter = 0; crashAfter < HINTS.size(); crashAfter++) {
            AtomicInteger calls = new AtomicInteger();
            PromptRegistry registry = registry();
            Path runs = dir.resolve("b" + crashAfter);
            int step = crashAfter;
            assertThatThrownBy(() -> builder(registry, counting(calls), new HillClimbOptimizer("sentiment", HINTS, step), runs)
                    .runId("killed").run()).hasMessageContaining("simulated crash after step " + step);
            OptimizationResult resumed = builder(registry, counting(calls), new HillClimbOptimizer("sentiment", HINTS), runs)
                    .resume("killed").run();
            assertThat(calls.get()).as("calls after a crash at step %d", step).isEqualTo(straightCalls.get());
            assertThat(resumed.metricCalls()).isEqualTo(straight.metricCalls());
            assertThat(resumed.bestTemplates()).isEqualTo(straight.bestTemplates());
            assertThat(resumed.finalScore()).isEqualTo(straight.finalScore());
            assertThat(resumed.optimizedPrompts()).hasSize(1);
        }
    }

    @Test
    void resumingAFinishedRunDoesNotRegisterTwice(@TempDir Path dir) {
        PromptRegistry registry = registry();
        AtomicInteger calls = new AtomicInteger();
        OptimizationResult first = builder(registry, counting(calls), new HillClimbOptimizer("sentiment", HINTS), dir)
                .runId("done").run();
        int before = calls.get();
        OptimizationResult again = builder(registry, counting(calls), new HillClimbOptimizer("sentiment", HINTS), dir)
                .resume("done").run();
        assertThat(calls.get()).isEqualTo(before);
        assertThat(registry.versions("sentiment")).hasSize(2);
        assertThat(again.optimizedPrompts()).isEqualTo(first.optimizedPrompts());
    }

    @Test
    void aSystemicFailureKeepsTheCheckpointAndTheRunResumesOnceFixed(@TempDir Path dir) {
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        PredictFn flaky = (inputs, prompts) -> {
            if (down.get()) {
                throw new java.net.ConnectException("connection refused");
            }
            calls.incrementAndGet();
            return QuickStartTest.TARGET.chat(prompts.get("sentiment").format(inputs)).text();
        };
        PromptRegistry registry = registry();
        assertThatThrownBy(() -> builder(registry, flaky, new HillClimbOptimizer("sentiment", HINTS), dir).runId("r").run())
                .isInstanceOf(SystemicFailureException.class).hasMessageContaining("connection refused");
        assertThat(dir.resolve("r/checkpoint.json")).exists();
        down.set(false);
        OptimizationResult resumed = builder(registry, flaky, new HillClimbOptimizer("sentiment", HINTS), dir).resume("r").run();
        assertThat(resumed.finalScore()).isEqualTo(1.0);
    }

    @Test
    void theStopFileInTheRunFolderStopsTheRunWithTheBestSoFar(@TempDir Path dir) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        PredictFn stopAfterBaseline = (inputs, prompts) -> {
            if (calls.incrementAndGet() == 6) {
                Files.writeString(dir.resolve("s/STOP"), "");
            }
            return QuickStartTest.TARGET.chat(prompts.get("sentiment").format(inputs)).text();
        };
        OptimizationResult r = builder(registry(), stopAfterBaseline, new HillClimbOptimizer("sentiment", HINTS), dir, 1)
                .runId("s").run();
        assertThat(r.stopReason().kind()).isEqualTo(dev.promptopt.StopReason.Kind.STOP_FILE);
        assertThat(r.metricCalls()).isEqualTo(6);
        assertThat(r.optimizedPrompts()).isEmpty();
    }

    @Test
    void startingARunWhoseIdExistsIsRefused(@TempDir Path dir) {
        builder(registry(), counting(new AtomicInteger()), new HillClimbOptimizer("sentiment", HINTS), dir).runId("x").run();
        assertThatThrownBy(() -> builder(registry(), counting(new AtomicInteger()), new HillClimbOptimizer("sentiment", HINTS), dir)
                .runId("x").run())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("run 'x' already exists").hasMessageContaining(".resume(\"x\")");
    }
}
