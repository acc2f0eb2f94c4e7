package dev.promptopt.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.StopReason;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.testing.HillClimbOptimizer;
import dev.promptopt.core.testing.ScriptedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run with a dollar budget, priced by the UsageMeter around its model, stops before passing the limit. */
class DollarBudgetTest {
    // 1 dollar per million tokens each way: a call of ~10 input + 1 output words costs about $0.000011.
    private final CostTable prices = CostTable.empty().with("scripted", 1.0, 1.0);

    private PromptOptimizer.Builder run(UsageMeter meter, Budget budget, Path dir) {
        LanguageModel target = meter.meter(ScriptedModel.answering(p -> p.contains("one word") ? "positive" : "It is positive."),
                ModelRole.TASK);
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify the sentiment of this text.\nText: {{text}}");
        Dataset data = Dataset.of(IntStream.range(0, 10)
                .mapToObj(i -> Example.of("r" + i, Map.of("text", "I love it " + i), "positive")).toList());
        List<String> hints = IntStream.range(0, 50).mapToObj(i -> "Hint " + i + ".").toList();
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> target.chat(prompts.get("sentiment").format(inputs)).text())
                .trainData(data).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", hints))
                .budget(budget).runDirectory(dir);
    }

    @Test
    void aRunWithADollarBudgetStopsBeforePassingIt(@TempDir Path dir) {
        UsageMeter meter = new UsageMeter(prices);
        double limit = 0.0005;
        OptimizationResult r = run(meter, Budget.costUsd(limit), dir).usageMeter(meter).run();
        assertThat(r.stopReason().kind()).isEqualTo(StopReason.Kind.COST);
        assertThat(meter.totalCostUsd()).isPositive().isLessThanOrEqualTo(limit);
        // It spent most of what it was given: the next batch of 10 calls would have passed the limit.
        double perCall = meter.totalCostUsd() / meter.calls(ModelRole.TASK);
        assertThat(meter.totalCostUsd() + 10 * perCall).isGreaterThan(limit);
        assertThat(r.usage().costUsd()).contains(meter.totalCostUsd());
        assertThat(r.usage().roles().get("task").calls()).isEqualTo(meter.calls(ModelRole.TASK));
        assertThat(r.usage().roles().get("task").inputTokens()).isEqualTo(meter.usage(ModelRole.TASK).inputTokens());
    }

    @Test
    void aDollarBudgetWithoutACostSourceIsRejectedBeforeAnyCall(@TempDir Path dir) {
        UsageMeter meter = new UsageMeter(prices);
        assertThatThrownBy(() -> run(meter, Budget.costUsd(1.0), dir).run())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("a dollar budget of $1.0 needs to know what the run costs");
        assertThat(meter.calls(ModelRole.TASK)).isZero();
    }
}
