package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.promptopt.Aggregation;
import dev.promptopt.Budget;
import dev.promptopt.ChatMessage;
import dev.promptopt.Dataset;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.ExampleUsage;
import dev.promptopt.Feedback;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import dev.promptopt.TokenUsage;
import dev.promptopt.core.cost.CostTable;
import dev.promptopt.core.cost.ModelRole;
import dev.promptopt.core.cost.UsageMeter;
import dev.promptopt.core.io.JsonSupport;
import dev.promptopt.core.internal.engine.EvaluationEngine;
import dev.promptopt.core.internal.engine.ResultJournal;
import dev.promptopt.core.internal.engine.StopConditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each example's result carries the tokens and dollars of its own metered calls, and keeps them on resume. */
class ExampleUsageTest {
    /** Answers with the input; one input token per word of the prompt, two output tokens. */
    private static LanguageModel scripted(String name) {
        return new LanguageModel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ModelResponse chat(List<ChatMessage> messages) {
                String prompt = messages.get(messages.size() - 1).content();
                return new ModelResponse(prompt.substring(prompt.lastIndexOf(' ') + 1),
                        new TokenUsage(prompt.split(" ").length, 2), name);
            }
        };
    }

    private static List<Example> examples(int n) {
        return IntStream.range(0, n).mapToObj(i -> Example.of("e" + i, Map.of("x", "v" + i), "v" + i)).toList();
    }

    private final UsageMeter meter = new UsageMeter(CostTable.empty().with("t:/task", 1, 1).with("t:/judge", 10, 10));
    private final LanguageModel task = meter.meter(scripted("t:/task"), ModelRole.TASK);
    private final LanguageModel judge = meter.meter(scripted("t:/judge"), ModelRole.JUDGE);
    private final PredictFn predict = (inputs, prompts) -> task.chat(prompts.get("p").format(inputs)).text();
    private final Scorer judged = Scorer.of("judged", (e, out) -> {
        judge.chat("is it right " + out);
        return Feedback.of(String.valueOf(out).equals(e.outputs()), "checked");
    });

    private EvaluationEngine engine(ResultJournal journal, PredictFn p) {
        return new EvaluationEngine(p, List.of(judged), Aggregation.mean(), 3,
                new StopConditions(Budget.metricCalls(100), null, System::nanoTime, Duration.ZERO), journal, e -> { },
                System::nanoTime);
    }

    @Test
    void eachResultCarriesTheTokensAndDollarsOfItsPredictAndJudgeCalls() {
        PromptSet shortPrompt = PromptSet.of("p", PromptTemplate.text("Echo {{x}}"));
        PromptSet longPrompt = PromptSet.of("p", PromptTemplate.text("Please read carefully and then echo {{x}}"));
        try (EvaluationEngine engine = engine(null, predict)) {
            EvaluationBatch a = engine.evaluate(shortPrompt, examples(4));
            EvaluationBatch b = engine.evaluate(longPrompt, examples(4));

            for (ExampleResult r : a.results()) {
                // task: 2 words in, 2 out at $1/M; judge: 4 words in, 2 out at $10/M
                assertThat(r.usage().calls()).isEqualTo(2);
                assertThat(r.usage().tokens()).isEqualTo(new TokenUsage(6, 4));
                assertThat(r.usage().costUsd()).isCloseTo(4e-6 + 60e-6, within(1e-12));
            }
            for (ExampleResult r : b.results()) {
                assertThat(r.usage().tokens()).isEqualTo(new TokenUsage(11, 4));
                assertThat(r.usage().costUsd()).isCloseTo(9e-6 + 60e-6, within(1e-12));
            }
            // the per-example figures add up to what the run's meter counted
            double sum = a.results().stream().mapToDouble(r -> r.usage().costUsd()).sum()
                    + b.results().stream().mapToDouble(r -> r.usage().costUsd()).sum();
            assertThat(sum).isCloseTo(meter.totalCostUsd(), within(1e-12));

            EvaluationBatch again = engine.evaluate(shortPrompt, examples(4));
            assertThat(again.results()).allSatisfy(r -> {
                assertThat(r.cached()).isTrue();
                assertThat(r.usage()).isEqualTo(a.results().get(0).usage()); // the cost of the calls that made it
            });
        }
    }

    @Test
    void aPredictFunctionWithoutMeteredModelsMeasuresNothingRatherThanZeroCost() {
        try (EvaluationEngine engine = new EvaluationEngine((in, p) -> in.get("x"),
                List.of(Scorer.of("eq", (e, out) -> Feedback.of(out.equals(e.outputs()), ""))), Aggregation.mean(), 2,
                new StopConditions(Budget.metricCalls(100), null, System::nanoTime, Duration.ZERO), null, e -> { },
                System::nanoTime)) {
            EvaluationBatch b = engine.evaluate(PromptSet.of("p", PromptTemplate.text("{{x}}")), examples(2));
            assertThat(b.results()).allSatisfy(r -> assertThat(r.usage()).isEqualTo(ExampleUsage.NONE));
            assertThat(b.results()).noneMatch(r -> r.usage().measured());
        }
    }

    @Test
    void theUsageIsJournaledSoAResumedRunKeepsIt(@TempDir Path dir) {
        Path file = dir.resolve("evaluations.jsonl");
        PromptSet candidate = PromptSet.of("p", PromptTemplate.text("Echo {{x}}"));
        EvaluationBatch first;
        try (EvaluationEngine engine = engine(new ResultJournal(file, JsonSupport.mapper()), predict)) {
            first = engine.evaluate(candidate, examples(3));
        }
        ResultJournal journal = new ResultJournal(file, JsonSupport.mapper());
        List<ResultJournal.Entry> entries = journal.readExisting(List.of(Dataset.of("d", examples(3))));
        AtomicInteger predicted = new AtomicInteger();
        try (EvaluationEngine resumed = engine(journal, (in, p) -> {
            predicted.incrementAndGet();
            return in.get("x");
        })) {
            resumed.restore(entries, entries.size(), 3);
            EvaluationBatch b = resumed.evaluate(candidate, examples(3));
            assertThat(predicted).hasValue(0);
            assertThat(b.results()).extracting(ExampleResult::usage)
                    .containsExactlyElementsOf(first.results().stream().map(ExampleResult::usage).toList());
            assertThat(b.results()).allSatisfy(r -> assertThat(r.usage().measured()).isTrue());
        }
    }

    @Test
    void aJournalLineWithABadUsageFieldIsRejectedNamingTheLineAndField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("evaluations.jsonl");
        Files.writeString(file, "{\"candidate\":\"c\",\"example\":\"e0\",\"output\":\"v0\",\"feedback\":{},\"score\":1.0,"
                + "\"durationNanos\":1,\"usage\":{\"calls\":1,\"inputTokens\":-3,\"outputTokens\":2,\"costUsd\":0.1}}\n");
        ResultJournal journal = new ResultJournal(file, JsonSupport.mapper());
        assertThatThrownBy(() -> journal.readExisting(List.of(Dataset.of("d", examples(1)))))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessageContaining("evaluations.jsonl:1")
                .hasMessageContaining("usage.inputTokens")
                .hasMessageContaining("-3");
    }

    @Test
    void countsAProviderLeftOutAreUnreportedNotZeroAndStaySoAfterAResume(@TempDir Path dir) {
        // The task's provider reports only output tokens (as Ollama does for a prompt it had cached).
        LanguageModel partial = meter.meter(new LanguageModel() {
            @Override
            public String name() {
                return "t:/task";
            }

            @Override
            public ModelResponse chat(List<ChatMessage> messages) {
                String prompt = messages.get(messages.size() - 1).content();
                return new ModelResponse(prompt.substring(prompt.lastIndexOf(' ') + 1), TokenUsage.reported(null, 2),
                        "t:/task");
            }
        }, ModelRole.TASK);
        PredictFn p = (inputs, prompts) -> partial.chat(prompts.get("p").format(inputs)).text();
        Path file = dir.resolve("evaluations.jsonl");
        PromptSet candidate = PromptSet.of("p", PromptTemplate.text("Echo {{x}}"));
        EvaluationBatch first;
        try (EvaluationEngine engine = engine(new ResultJournal(file, JsonSupport.mapper()), p)) {
            first = engine.evaluate(candidate, examples(2));
        }
        // task: input unreported, 2 out; judge: 4 words in, 2 out
        assertThat(first.results()).allSatisfy(r -> {
            assertThat(r.usage().tokens()).isEqualTo(new TokenUsage(4, 4, 1));
            assertThat(r.usage().tokens().complete()).isFalse();
        });
        assertThat(meter.usage(ModelRole.TASK)).isEqualTo(new TokenUsage(0, 4, 2));

        ResultJournal journal = new ResultJournal(file, JsonSupport.mapper());
        List<ResultJournal.Entry> entries = journal.readExisting(List.of(Dataset.of("d", examples(2))));
        try (EvaluationEngine resumed = engine(journal, (in, pr) -> {
            throw new AssertionError("served from the journal");
        })) {
            resumed.restore(entries, entries.size(), 2);
            assertThat(resumed.evaluate(candidate, examples(2)).results()).extracting(ExampleResult::usage)
                    .containsExactlyElementsOf(first.results().stream().map(ExampleResult::usage).toList());
        }
    }

    @Test
    void aModelResponseWithoutUsageIsOneUnreportedCall() {
        assertThat(ModelResponse.of("hi").usage()).isEqualTo(TokenUsage.UNREPORTED);
        assertThat(new ModelResponse("hi", null, "m").usage().complete()).isFalse();
        assertThat(TokenUsage.reported(3, 4)).isEqualTo(new TokenUsage(3, 4));
        assertThat(TokenUsage.reported(3, null)).isEqualTo(new TokenUsage(3, 0, 1));
        assertThat(TokenUsage.reported(-1, 4)).isEqualTo(new TokenUsage(0, 4, 1));
        assertThat(new TokenUsage(1, 2).plus(TokenUsage.UNREPORTED)).isEqualTo(new TokenUsage(1, 2, 1));
    }
}
