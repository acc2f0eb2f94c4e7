package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Aggregation;
import dev.promptopt.Budget;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.ModelException;
import dev.promptopt.OptimizationStoppedException;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import dev.promptopt.StopReason;
import dev.promptopt.SystemicFailureException;
import dev.promptopt.core.internal.engine.EvaluationEngine;
import dev.promptopt.core.internal.engine.ResultJournal;
import dev.promptopt.core.internal.engine.StopConditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationEngineTest {
    private static final Scorer EQUALS = Scorer.of("equals",
            (e, out) -> Feedback.of(String.valueOf(out).equals(e.outputs()), "expected " + e.outputs() + ", got " + out));
    private static final PromptSet CANDIDATE = PromptSet.of("p", PromptTemplate.text("Echo {{x}}"));

    private static List<Example> examples(int n) {
        return IntStream.range(0, n).mapToObj(i -> Example.of("e" + i, Map.of("x", "v" + i), "v" + i)).toList();
    }

    private static EvaluationEngine engine(PredictFn predict, int concurrency, Budget budget) {
        return engine(predict, concurrency, new StopConditions(budget, null, System::nanoTime, Duration.ZERO));
    }

    private static EvaluationEngine engine(PredictFn predict, int concurrency, StopConditions stops) {
        return new EvaluationEngine(predict, List.of(EQUALS), Aggregation.mean(), concurrency, stops, null, e -> { },
                System::nanoTime);
    }

    @Test
    void callsInFlightNeverExceedTheLimitAcrossConcurrentBatches() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        CountDownLatch limitReached = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        PredictFn held = (inputs, prompts) -> {
            max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            limitReached.countDown();
            // The first calls stay in flight until the limit is full, so later ones queue up behind them.
            release.await();
            inFlight.decrementAndGet();
            return inputs.get("x");
        };
        try (EvaluationEngine engine = engine(held, 4, Budget.metricCalls(1000))) {
            List<CompletableFuture<EvaluationBatch>> batches = new ArrayList<>();
            for (int b = 0; b < 5; b++) {
                PromptSet c = PromptSet.of("p", PromptTemplate.text("Echo {{x}} #" + b));
                batches.add(engine.evaluateAsync(c, examples(20)));
            }
            assertThat(limitReached.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(inFlight.get()).isEqualTo(4);
            release.countDown();
            batches.forEach(CompletableFuture::join);
            assertThat(max.get()).isEqualTo(4);
            assertThat(engine.metricCallsUsed()).isEqualTo(100);
        }
    }

    @Test
    void aBatchThatDoesNotFitInTheMetricCallsLeftDoesNotStart() {
        AtomicInteger calls = new AtomicInteger();
        PredictFn echo = (inputs, prompts) -> {
            calls.incrementAndGet();
            return inputs.get("x");
        };
        try (EvaluationEngine engine = engine(echo, 8, Budget.metricCalls(10))) {
            int batches = 0;
            StopReason reason = null;
            try {
                while (true) {
                    PromptSet c = PromptSet.of("p", PromptTemplate.text("Echo {{x}} " + batches++));
                    engine.evaluate(c, examples(3));
                }
            } catch (OptimizationStoppedException stop) {
                reason = stop.reason();
            }
            assertThat(reason.kind()).isEqualTo(StopReason.Kind.METRIC_CALLS);
            // 3 batches of 3 fit in 10; the 4th would need 3 with 1 left, so it does not start: never past 10.
            assertThat(calls.get()).isEqualTo(9);
            assertThat(reason.description()).isEqualTo(
                    "metric call budget of 10: a batch of 3 new calls does not fit in the 1 left (9 spent)");
            assertThat(engine.metricCallsUsed()).isEqualTo(calls.get());
        }
    }

    @Test
    void concurrentBatchesTogetherNeverPassTheBudget() {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch allSubmitted = new CountDownLatch(1);
        PredictFn echo = (inputs, prompts) -> {
            calls.incrementAndGet();
            // No call finishes before every batch was submitted: all 20 batches compete for the budget at once.
            allSubmitted.await();
            return inputs.get("x");
        };
        try (EvaluationEngine engine = engine(echo, 16, Budget.metricCalls(25))) {
            List<CompletableFuture<EvaluationBatch>> batches = new ArrayList<>();
            for (int b = 0; b < 20; b++) {
                batches.add(engine.evaluateAsync(PromptSet.of("p", PromptTemplate.text("Echo {{x}} " + b)), examples(5)));
            }
            allSubmitted.countDown();
            long refused = batches.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            batches.stream().filter(f -> !f.isCompletedExceptionally()).forEach(CompletableFuture::join);
            assertThat(refused).isEqualTo(15);
            assertThat(calls.get()).isEqualTo(25);
            assertThat(engine.metricCallsUsed()).isEqualTo(25);
        }
    }

    @Test
    void aRepeatedCandidateExamplePairIsServedFromTheCache() {
        AtomicInteger calls = new AtomicInteger();
        PredictFn echo = (inputs, prompts) -> {
            calls.incrementAndGet();
            return inputs.get("x");
        };
        try (EvaluationEngine engine = engine(echo, 4, Budget.metricCalls(100))) {
            EvaluationBatch first = engine.evaluate(CANDIDATE, examples(5));
            // An equal but distinct PromptSet object is the same candidate.
            EvaluationBatch again = engine.evaluate(PromptSet.of("p", PromptTemplate.text("Echo {{x}}")), examples(6));
            assertThat(calls.get()).isEqualTo(6);
            assertThat(engine.metricCallsUsed()).isEqualTo(6);
            assertThat(first.metricCalls()).isEqualTo(5);
            assertThat(again.metricCalls()).isEqualTo(1);
            assertThat(again.results().subList(0, 5)).allMatch(r -> r.cached());
            assertThat(again.scoresById()).containsEntry("e0", 1.0);
        }
    }

    @Test
    void aBatchServedEntirelyFromTheCacheRunsEvenWhenTheBudgetIsSpent() {
        try (EvaluationEngine engine = engine((in, p) -> in.get("x"), 4, Budget.metricCalls(3))) {
            engine.evaluate(CANDIDATE, examples(3));
            assertThat(engine.evaluate(CANDIDATE, examples(3)).mean()).isEqualTo(1.0);
            assertThatThrownBy(() -> engine.evaluate(CANDIDATE, examples(4)))
                    .isInstanceOf(OptimizationStoppedException.class)
                    .hasMessageContaining("metric call budget of 3 spent");
        }
    }

    @Test
    void cancellationStopsNewCalls() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        PredictFn held = (inputs, prompts) -> {
            calls.incrementAndGet();
            started.countDown();
            release.await();
            return inputs.get("x");
        };
        try (EvaluationEngine engine = engine(held, 2, Budget.metricCalls(1000))) {
            CompletableFuture<EvaluationBatch> batch = engine.evaluateAsync(CANDIDATE, examples(50));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            engine.cancel();
            // The two calls in flight at the cancel finish; none of the 48 waiting ones starts.
            release.countDown();
            assertThatThrownBy(batch::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(OptimizationStoppedException.class)
                    .hasMessageContaining("cancelled");
            int afterCancel = calls.get();
            assertThat(afterCancel).isEqualTo(2);
            assertThatThrownBy(() -> engine.evaluate(PromptSet.of("p", PromptTemplate.text("{{x}}")), examples(2)))
                    .isInstanceOf(OptimizationStoppedException.class);
            assertThat(calls.get()).isEqualTo(afterCancel);
        }
    }

    @Test
    void aFailedExampleIsAFailureNotAScoreAndIsAskedAgainWhenNextNeeded() {
        AtomicInteger v1Calls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean();
        PredictFn flaky = (inputs, prompts) -> {
            if (inputs.get("x").equals("v1")) {
                v1Calls.incrementAndGet();
                if (!healthy.get()) {
                    throw ModelException.retriable("429 Too Many Requests after 3 retries");
                }
            }
            return inputs.get("x");
        };
        try (EvaluationEngine engine = engine(flaky, 2, Budget.metricCalls(100))) {
            EvaluationBatch b = engine.evaluate(CANDIDATE, examples(3));
            // Left out of the scores, listed as a failure, and no metric call spent on it.
            assertThat(b.scoresById()).containsExactly(Map.entry("e0", 1.0), Map.entry("e2", 1.0));
            assertThat(b.mean()).isEqualTo(1.0);
            assertThat(b.failures()).extracting(r -> r.example().id()).containsExactly("e1");
            var failed = b.results().get(1);
            assertThat(failed.failed()).isTrue();
            assertThat(failed.error()).isEqualTo("prediction failed: model error (retriable): 429 Too Many Requests after 3 retries");
            assertThat(failed.feedbackText()).contains("429 Too Many Requests");
            assertThat(v1Calls.get()).isEqualTo(2); // asked twice within the batch
            assertThat(engine.metricCallsUsed()).isEqualTo(2);
            assertThat(engine.failedCalls()).isEqualTo(1);

            // Not cached: the next batch that needs the pair asks again, and now it scores.
            healthy.set(true);
            EvaluationBatch again = engine.evaluate(CANDIDATE, examples(3));
            assertThat(again.failures()).isEmpty();
            assertThat(again.scoresById()).containsEntry("e1", 1.0);
            assertThat(again.results().get(1).cached()).isFalse();
            assertThat(again.results().get(0).cached()).isTrue();
            assertThat(v1Calls.get()).isEqualTo(3);
            assertThat(engine.metricCallsUsed()).isEqualTo(3);
        }
    }

    @Test
    void aFailureIsNotJournaledSoAResumedRunAsksForItAgain(@TempDir Path dir) {
        Path file = dir.resolve("evaluations.jsonl");
        PredictFn down = (inputs, prompts) -> {
            if (inputs.get("x").equals("v1")) {
                throw ModelException.retriable("503 after 5 attempts");
            }
            return inputs.get("x");
        };
        StopConditions stops = new StopConditions(Budget.metricCalls(100), null, System::nanoTime, Duration.ZERO);
        try (EvaluationEngine engine = new EvaluationEngine(down, List.of(EQUALS), Aggregation.mean(), 2, stops,
                new ResultJournal(file, dev.promptopt.core.io.JsonSupport.mapper()), e -> { }, System::nanoTime)) {
            assertThat(engine.evaluate(CANDIDATE, examples(3)).failures()).hasSize(1);
        }
        List<String> predicted = java.util.Collections.synchronizedList(new ArrayList<>());
        PredictFn healthy = (inputs, prompts) -> {
            predicted.add((String) inputs.get("x"));
            return inputs.get("x");
        };
        ResultJournal journal = new ResultJournal(file, dev.promptopt.core.io.JsonSupport.mapper());
        List<ResultJournal.Entry> entries = journal.readExisting(List.of(dev.promptopt.Dataset.of("d", examples(3))));
        assertThat(entries).extracting(e -> e.result().example().id()).containsExactlyInAnyOrder("e0", "e2");
        try (EvaluationEngine resumed = new EvaluationEngine(healthy, List.of(EQUALS), Aggregation.mean(), 2,
                new StopConditions(Budget.metricCalls(100), null, System::nanoTime, Duration.ZERO), journal, e -> { },
                System::nanoTime)) {
            resumed.restore(entries, entries.size(), 2);
            EvaluationBatch b = resumed.evaluate(CANDIDATE, examples(3));
            assertThat(b.failures()).isEmpty();
            assertThat(b.mean()).isEqualTo(1.0);
            assertThat(predicted).containsExactly("v1"); // only the failed pair is called again
            assertThat(resumed.metricCallsUsed()).isEqualTo(3);
        }
    }

    @Test
    void twoExamplesSharingAnIdButNotTheirContentAreScoredSeparately() {
        List<String> predicted = java.util.Collections.synchronizedList(new ArrayList<>());
        PredictFn echo = (inputs, prompts) -> {
            predicted.add((String) inputs.get("x"));
            return inputs.get("x");
        };
        Example train = Example.of("1", Map.of("x", "train text"), "train text");
        Example validation = Example.of("1", Map.of("x", "validation text"), "other answer");
        try (EvaluationEngine engine = engine(echo, 1, Budget.metricCalls(100))) {
            assertThat(engine.evaluate(CANDIDATE, List.of(train)).mean()).isEqualTo(1.0);
            EvaluationBatch val = engine.evaluate(CANDIDATE, List.of(validation));
            // Before the example's content was part of its identity, this was served from the train result (1.0).
            assertThat(val.results().get(0).cached()).isFalse();
            assertThat(val.results().get(0).output()).isEqualTo("validation text");
            assertThat(val.mean()).isEqualTo(0.0);
            assertThat(predicted).containsExactly("train text", "validation text");
            assertThat(engine.metricCallsUsed()).isEqualTo(2);
            // The same id and content is the same example: served from the cache.
            assertThat(engine.evaluate(CANDIDATE, List.of(Example.of("1", Map.of("x", "train text"), "train text")))
                    .results().get(0).cached()).isTrue();
        }
    }

    @Test
    void aScorerThatThrowsGivesZeroWithItsErrorAsFeedback() {
        Scorer broken = Scorer.of("broken", (e, out) -> {
            throw new IllegalStateException("judge returned nothing");
        });
        try (EvaluationEngine engine = new EvaluationEngine((in, p) -> in.get("x"), List.of(EQUALS, broken),
                Aggregation.mean(), 2, new StopConditions(Budget.metricCalls(10), null, System::nanoTime, Duration.ZERO),
                null, e -> { }, System::nanoTime)) {
            var r = engine.evaluate(CANDIDATE, examples(1)).results().get(0);
            assertThat(r.score()).isZero();
            assertThat(r.feedback().get("equals").value()).isEqualTo(1.0);
            assertThat(r.feedback().get("broken").rationale()).isEqualTo("scorer 'broken' failed: IllegalStateException: judge returned nothing");
        }
    }

    @Test
    void aBatchWhoseCallsAllFailIsASystemicFailure() {
        AtomicInteger calls = new AtomicInteger();
        PredictFn unauthorized = (inputs, prompts) -> {
            calls.incrementAndGet();
            throw ModelException.permanent("openai:/gpt-4o-mini: 401 Unauthorized (check OPENAI_API_KEY)");
        };
        try (EvaluationEngine engine = engine(unauthorized, 2, Budget.metricCalls(100))) {
            assertThatThrownBy(() -> engine.evaluate(CANDIDATE, examples(4)))
                    .isInstanceOf(SystemicFailureException.class)
                    .hasMessageContaining("all 4 calls of a batch failed")
                    .hasMessageContaining("401 Unauthorized")
                    .hasMessageContaining("resume");
            // The failures are not cached: once fixed, a resumed run calls them again.
            assertThat(engine.metricCallsUsed()).isZero();
        }
    }

    @Test
    void aLongStreakOfFailuresInSingleExampleBatchesIsSystemic() {
        try (EvaluationEngine engine = engine((in, p) -> {
            throw new java.io.IOException("connection refused");
        }, 1, Budget.metricCalls(100))) {
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    engine.evaluate(CANDIDATE, List.of(Example.of("s" + i, Map.of("x", "y"), "y")));
                }
            }).isInstanceOf(SystemicFailureException.class).hasMessageContaining("10 calls in a row failed");
        }
    }

    @Test
    void wallTimeAndStopFileStopTheNextBatch(@TempDir Path dir) throws Exception {
        AtomicLong now = new AtomicLong();
        StopConditions timed = new StopConditions(Budget.wallTime(Duration.ofSeconds(10)), null, now::get, Duration.ZERO);
        try (EvaluationEngine engine = engine((in, p) -> in.get("x"), 2, timed)) {
            engine.evaluate(CANDIDATE, examples(1));
            now.addAndGet(Duration.ofSeconds(11).toNanos());
            assertThatThrownBy(() -> engine.evaluate(CANDIDATE, examples(2)))
                    .isInstanceOf(OptimizationStoppedException.class).hasMessageContaining("wall time limit of PT10S reached");
        }
        Path stop = dir.resolve("STOP");
        StopConditions withFile = new StopConditions(Budget.metricCalls(100), stop, System::nanoTime, Duration.ZERO);
        try (EvaluationEngine engine = engine((in, p) -> in.get("x"), 2, withFile)) {
            engine.evaluate(CANDIDATE, examples(1));
            Files.writeString(stop, "");
            assertThatThrownBy(() -> engine.evaluate(CANDIDATE, examples(2)))
                    .isInstanceOf(OptimizationStoppedException.class).hasMessageContaining("stop file");
        }
    }
}
