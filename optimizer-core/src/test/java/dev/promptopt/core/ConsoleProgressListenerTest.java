package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Budget;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.StopReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleProgressListenerTest {
    @Test
    void printsTheRunTheBudgetBarTheBestScoreAndTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgressListener l = ConsoleProgressListener.to(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        l.onEvent(new OptimizationEvent.RunStarted("r1", "gepa", List.of("sentiment"), 20, 10, Budget.metricCalls(100)));
        l.onEvent(new OptimizationEvent.CandidateEvaluated(0, "baseline", 10, 0.5, 10));
        l.onEvent(new OptimizationEvent.IterationStarted(3));
        l.onEvent(new OptimizationEvent.CandidateAccepted(3, 1, List.of(0), 0.8, true));
        l.onEvent(finished(0.5, 0.8, StopReason.completed("budget spent"), 100, Duration.ofSeconds(12)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("run r1: gepa on [sentiment], 20 train / 10 validation examples")
                .contains("[##----------------------] metric calls 10/100 | iteration 3 | best 0.8000 (seed 0.5000)")
                .contains("[########################] metric calls 100/100")
                .contains("done: score 0.5000 -> 0.8000, 100 metric calls, 12.0 s (budget spent)");
    }

    static OptimizationEvent.RunFinished finished(double initial, double fin, StopReason stop, long metricCalls,
                                                  Duration elapsed) {
        PromptSet seed = PromptSet.of(Map.of("sentiment", PromptTemplate.text("Classify {{text}}")));
        OptimizationResult result = new OptimizationResult("r1", "gepa", List.of(), List.of(), seed, initial, fin,
                Map.of(), Map.of(), List.of(), 0, metricCalls, stop, elapsed, dev.promptopt.RunStats.none(),
                dev.promptopt.RunUsage.none(), dev.promptopt.OptimizerStats.none());
        return new OptimizationEvent.RunFinished(result, new EvaluationBatch(seed, List.of()), new EvaluationBatch(seed, List.of()));
    }
}
