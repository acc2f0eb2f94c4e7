package dev.promptopt.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CostTest {
    /** A scripted model that counts a token per 4 characters in and answers with a fixed text. */
    static LanguageModel scripted(String name, Function<String, String> answer) {
        return new LanguageModel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ModelResponse chat(List<ChatMessage> messages) {
                String prompt = messages.stream().map(ChatMessage::content).reduce("", String::concat);
                String text = answer.apply(prompt);
                return new ModelResponse(text, new TokenUsage(tokens(prompt), tokens(text)), name);
            }
        };
    }

    static long tokens(String s) {
        return Math.max(1, s.length() / 4);
    }

    @Test
    void pricesArePerMillionTokensAndMatchTheLongestPrefix() {
        CostTable t = CostTable.defaults().with("gpt-4o-mini", 1.0, 2.0);

        assertThat(t.cost("openai:/gpt-4o-mini", new TokenUsage(1_000_000, 500_000))).isCloseTo(2.0, within(1e-9));
        assertThat(t.priceOf("gpt-4o-mini-2024-07-18")).contains(new CostTable.Price(1.0, 2.0));
        assertThat(t.priceOf("gpt-4o-2024-08-06")).contains(new CostTable.Price(2.50, 10.00));
        assertThat(t.cost("local:/smollm2-135m", new TokenUsage(1_000_000, 1_000_000))).isZero();
        assertThat(t.cost("unknown:/model", new TokenUsage(1_000_000, 1_000_000))).isZero();
    }

    @Test
    void theMeterCountsTokensCallsAndDollarsPerRole() {
        UsageMeter meter = new UsageMeter(CostTable.empty().with("task", 1, 1).with("judge", 10, 10));
        LanguageModel task = meter.meter(scripted("x:/task", p -> "answer!!"), ModelRole.TASK);
        LanguageModel judge = meter.meter(scripted("x:/judge", p -> "score: 7/10"), ModelRole.JUDGE);

        task.chat("a".repeat(400));
        task.chat("a".repeat(400));
        judge.chat("b".repeat(800));

        assertThat(meter.calls(ModelRole.TASK)).isEqualTo(2);
        assertThat(meter.usage(ModelRole.TASK)).isEqualTo(new TokenUsage(200, 4));
        assertThat(meter.usage(ModelRole.JUDGE)).isEqualTo(new TokenUsage(200, 2));
        assertThat(meter.calls(ModelRole.REFLECTION)).isZero();
        assertThat(meter.costUsd(ModelRole.TASK)).isCloseTo(204 / 1e6, within(1e-12));
        assertThat(meter.totalCostUsd()).isCloseTo(204 / 1e6 + 2020 / 1e6, within(1e-12));
        assertThat(meter.totalUsage().totalTokens()).isEqualTo(406);
    }

    @Test
    void theEstimateForAScriptedRunBracketsItsActualCost() {
        CostTable prices = CostTable.empty().with("task", 0.15, 0.60).with("judge", 2.5, 10).with("reflect", 2.5, 10);
        UsageMeter meter = new UsageMeter(prices);
        LanguageModel task = meter.meter(scripted("s:/task", p -> "positive"), ModelRole.TASK);
        LanguageModel judge = meter.meter(scripted("s:/judge",
                p -> "{\"verdict\": \"yes\", \"rationale\": \"The output matches the reference label exactly.\"}"), ModelRole.JUDGE);
        LanguageModel reflect = meter.meter(scripted("s:/reflect",
                p -> "Classify the sentiment of the text as positive, negative or neutral. Answer with one word."), ModelRole.REFLECTION);

        Random rnd = new Random(7);
        List<String> val = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            val.add("Classify the sentiment. Answer 'positive' or 'negative' or 'neutral'.\nText: "
                    + "this product review number " + i + " says it is " + "quite good ".repeat(1 + rnd.nextInt(20)));
        }
        int maxMetricCalls = 90;
        int minibatch = 3;
        int avgPromptTokens = (int) val.stream().mapToLong(CostTest::tokens).average().orElseThrow();

        // A GEPA-shaped run: baseline on the validation set, then iterations of parent minibatch, reflection,
        // child minibatch, and a full validation pass when the child wins, until the budget is spent.
        int[] metricCalls = {0};
        Runnable evaluateOne = () -> {
            String prompt = val.get(rnd.nextInt(val.size()));
            String out = task.chat(prompt).text();
            judge.chat("Judge whether the output is equivalent to the reference.\nInput: " + prompt
                    + "\nOutput: " + out + "\nReference: positive");
            metricCalls[0]++;
        };
        for (int i = 0; i < val.size(); i++) {
            evaluateOne.run();
        }
        while (metricCalls[0] < maxMetricCalls) {
            for (int i = 0; i < minibatch; i++) {
                evaluateOne.run();
            }
            reflect.chat("You improve prompts. Current prompt and feedback on " + minibatch + " examples: "
                    + String.join("\n", val.subList(0, minibatch)) + " feedback ".repeat(40));
            for (int i = 0; i < minibatch; i++) {
                evaluateOne.run();
            }
            if (rnd.nextInt(3) == 0) {
                for (int i = 0; i < val.size(); i++) {
                    evaluateOne.run();
                }
            }
        }

        CostEstimator.Estimate estimate = CostEstimator.with(prices)
                .taskModel("s:/task").judgeModel("s:/judge", 1).reflectionModel("s:/reflect")
                .minibatchSize(minibatch)
                // the shape of the scripted models: one-word answers, short judge and reflection instructions
                .taskOutputTokens(1, 64).judgeOutputTokens(10, 200)
                .judgeOverheadTokens(25).reflectionOverheadTokens(15)
                .estimate(val.size(), maxMetricCalls, avgPromptTokens);

        double actual = meter.totalCostUsd();
        assertThat(actual).isPositive();
        assertThat(estimate.low()).isLessThan(estimate.high());
        assertThat(estimate.brackets(actual))
                .as("estimate [%s, %s] brackets actual %s (%s metric calls)", estimate.low(), estimate.high(), actual, metricCalls[0])
                .isTrue();
        assertThat(meter.snapshot()).containsKeys(ModelRole.TASK, ModelRole.JUDGE, ModelRole.REFLECTION);
        assertThat(meter.calls(ModelRole.TASK)).isEqualTo(metricCalls[0]);
        assertThat(Map.copyOf(meter.snapshot())).hasSize(3);
    }
}
