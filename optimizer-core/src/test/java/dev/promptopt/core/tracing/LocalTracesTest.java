package dev.promptopt.core.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTracesTest {
    private static final PromptSet PROMPTS = PromptSet.of("sentiment", PromptTemplate.text("Classify: {{text}}"));

    @TempDir
    Path dir;

    private final PredictFn upper = (inputs, prompts) -> prompts.get("sentiment").format(inputs).toUpperCase();

    @Test
    void aTraceFileThatCannotBeReadOrWrittenIsALibraryErrorNamingTheFile() throws Exception {
        LocalTraces traces = LocalTraces.inDirectory(dir);
        Path file = traces.file("prod");
        Files.createDirectories(file); // a directory where the file should be

        assertThatThrownBy(() -> traces.read("prod"))
                .isExactlyInstanceOf(PromptOptimizerException.class)
                .hasMessageContaining("cannot read traces " + file);
        assertThatThrownBy(() -> traces.record("prod", Map.of("text", "x"), PROMPTS, "X", null, null, 1))
                .isExactlyInstanceOf(PromptOptimizerException.class)
                .hasMessageContaining("cannot append a trace to " + file);
    }

    @Test
    void wrapRecordsEachCallAndReadsItBack() throws Exception {
        LocalTraces traces = LocalTraces.inDirectory(dir);
        PredictFn traced = traces.wrap(upper, "prod");

        Object out = traced.predict(Map.of("text", "good"), PROMPTS);

        assertThat(out).isEqualTo("CLASSIFY: GOOD");
        assertThat(dir.resolve("prod").resolve("traces.jsonl")).exists();
        List<LocalTraces.Trace> read = traces.read("prod");
        assertThat(read).hasSize(1);
        LocalTraces.Trace t = read.get(0);
        assertThat(t.traceId()).matches("tr-[0-9a-f]{32}");
        assertThat(t.timestamp()).isNotNull();
        assertThat(t.inputs()).containsEntry("text", "good");
        assertThat(t.output()).isEqualTo("CLASSIFY: GOOD");
        assertThat(t.ok()).isTrue();
        assertThat(t.error()).isNull();
        assertThat(t.prompts()).containsEntry("sentiment", "Classify: {{text}}");
        assertThat(t.latencyMs()).isGreaterThanOrEqualTo(0);
        assertThat(t.line()).isEqualTo(1);
        assertThat(traces.read("other")).isEmpty();
    }

    @Test
    void structuredOutputsAndInputsSurviveTheRoundTrip() throws Exception {
        LocalTraces traces = LocalTraces.inDirectory(dir);
        PredictFn json = (inputs, prompts) -> Map.of("label", "positive", "score", 3, "tags", List.of("a", "b"));
        traces.wrap(json, "prod").predict(Map.of("text", "x", "n", 2), PROMPTS);

        LocalTraces.Trace t = traces.read("prod").get(0);
        assertThat(t.inputs()).containsEntry("n", 2);
        assertThat(t.output()).isEqualTo(Map.of("label", "positive", "score", 3, "tags", List.of("a", "b")));
    }

    @Test
    void eightThreadsWriteEveryTraceIntact() throws Exception {
        LocalTraces traces = LocalTraces.inDirectory(dir);
        // A second instance on the same folder shares the lock.
        PredictFn a = traces.wrap(upper, "prod");
        PredictFn b = LocalTraces.inDirectory(dir).wrap(upper, "prod");
        int threads = 8;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    PredictFn fn = i % 2 == 0 ? a : b;
                    fn.predict(Map.of("text", "t" + thread + "-" + i + " " + "x".repeat(500)), PROMPTS);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<LocalTraces.Trace> read = traces.read("prod");
        assertThat(read).hasSize(threads * perThread);
        Set<String> texts = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (LocalTraces.Trace t : read) {
            texts.add((String) t.inputs().get("text"));
            ids.add(t.traceId());
            assertThat(t.output()).isEqualTo(("Classify: " + t.inputs().get("text")).toUpperCase());
        }
        assertThat(texts).hasSize(threads * perThread);
        assertThat(ids).hasSize(threads * perThread);
        assertThat(Files.readAllLines(traces.file("prod"))).hasSize(threads * perThread);
    }

    @Test
    void aCorruptLineIsAnErrorNamingTheFileAndLine() throws Exception {
        LocalTraces traces = LocalTraces.inDirectory(dir);
        PredictFn traced = traces.wrap(upper, "prod");
        traced.predict(Map.of("text", "one"), PROMPTS);
        Files.writeString(traces.file("prod"), "{not json\n", StandardOpenOption.APPEND);
        traced.predict(Map.of("text", "three"), PROMPTS);

        assertThatThrownBy(() -> traces.read("prod"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(traces.file("prod") + ":2")
                .hasMessageContaining("not a trace");
    }

    @Test
    void aLineThatIsNotATraceIsAnError() throws Exception {
        LocalTraces traces = LocalTraces.inDirectory(dir);
        Files.createDirectories(traces.file("prod").getParent());
        Files.writeString(traces.file("prod"), "\n{\"inputs\":{}}\n");

        assertThatThrownBy(() -> traces.read("prod"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("traces.jsonl:2")
                .hasMessageContaining("trace_id");
    }

    @Test
    void aTornLastLineIsIgnoredAndCutOffByTheNextWrite() throws Exception {
        LocalTraces traces = LocalTraces.inDirectory(dir);
        PredictFn traced = traces.wrap(upper, "prod");
        traced.predict(Map.of("text", "one"), PROMPTS);
        Files.writeString(traces.file("prod"), "{\"trace_id\":\"tr-1\",\"inp", StandardOpenOption.APPEND);

        assertThat(traces.read("prod")).hasSize(1);

        traced.predict(Map.of("text", "two"), PROMPTS);
        List<LocalTraces.Trace> read = traces.read("prod");
        assertThat(read).extracting(t -> t.inputs().get("text")).containsExactly("one", "two");
        assertThat(read).extracting(LocalTraces.Trace::line).containsExactly(1, 2);
    }

    @Test
    void datasetHoldsTheOriginalOutputsAndSkipsFailedCalls() throws Exception {
        LocalTraces traces = LocalTraces.inDirectory(dir);
        PredictFn flaky = (inputs, prompts) -> {
            if (inputs.get("text").equals("boom")) {
                throw new IllegalStateException("model down");
            }
            return "label-" + inputs.get("text");
        };
        PredictFn traced = traces.wrap(flaky, "prod");
        traced.predict(Map.of("text", "a"), PROMPTS);
        assertThatThrownBy(() -> traced.predict(Map.of("text", "boom"), PROMPTS))
                .isInstanceOf(IllegalStateException.class).hasMessage("model down");
        traced.predict(Map.of("text", "b"), PROMPTS);

        List<LocalTraces.Trace> all = traces.read("prod");
        assertThat(all).hasSize(3);
        assertThat(all.get(1).ok()).isFalse();
        assertThat(all.get(1).error()).contains("IllegalStateException").contains("model down");
        assertThat(all.get(1).output()).isNull();

        Dataset data = traces.toDataset("prod");
        assertThat(data.name()).isEqualTo("prod");
        assertThat(data.size()).isEqualTo(2);
        Example first = data.examples().get(0);
        assertThat(first.id()).isEqualTo(all.get(0).traceId());
        assertThat(first.inputs()).isEqualTo(Map.of("text", "a"));
        assertThat(first.outputs()).isEqualTo("label-a");
        assertThat(first.source()).isEqualTo("traces.jsonl:1");
        assertThat(first.tags()).containsEntry(LocalTraces.TRACE_ID_TAG, first.id());
        Example second = data.examples().get(1);
        assertThat(second.outputs()).isEqualTo("label-b");
        assertThat(second.source()).isEqualTo("traces.jsonl:3");
    }

    @Test
    void aFailingWriteDoesNotChangeWhatThePredictFunctionReturns() throws Exception {
        Path notADir = dir.resolve("file");
        Files.writeString(notADir, "x", StandardCharsets.UTF_8);
        LocalTraces traces = LocalTraces.inDirectory(notADir);   // <file>/prod/traces.jsonl cannot be created
        PredictFn traced = traces.wrap(upper, "prod");

        assertThat(traced.predict(Map.of("text", "ok"), PROMPTS)).isEqualTo("CLASSIFY: OK");
        PredictFn failing = traces.wrap((i, p) -> {
            throw new IllegalArgumentException("bad input");
        }, "prod");
        assertThatThrownBy(() -> failing.predict(Map.of("text", "ok"), PROMPTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bad input");
    }

    @Test
    void experimentNamesArePlainFolderNames() {
        LocalTraces traces = LocalTraces.inDirectory(dir);
        assertThatThrownBy(() -> traces.wrap(upper, "../escape")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> traces.read(" ")).isInstanceOf(InvalidInputException.class);
    }
}
