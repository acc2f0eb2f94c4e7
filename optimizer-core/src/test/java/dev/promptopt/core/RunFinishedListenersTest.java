package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationListener;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.RunListenerProvider;
import dev.promptopt.RunTracker;
import dev.promptopt.TrackedRun;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker's end-of-run summary and the default listeners of {@link RunListenerProvider}s are fed by the typed
 * run-finished event.
 */
class RunFinishedListenersTest {
    private static final Dataset DATA = Dataset.of("train", List.of(
            Example.of("a", Map.of("text", "I love it"), "positive"),
            Example.of("b", Map.of("text", "I hate it"), "negative"),
            Example.of("c", Map.of("text", "It is Tuesday"), "neutral")));

    @TempDir
    Path dir;

    /** A tracker that keeps what it is told, and can refuse metrics whose name starts with a prefix. */
    static final class RecordingTracker implements RunTracker {
        final Map<String, Double> metrics = Collections.synchronizedMap(new LinkedHashMap<>());
        final List<String> artifacts = Collections.synchronizedList(new ArrayList<>());
        final List<TrackedRun.Status> finished = Collections.synchronizedList(new ArrayList<>());
        final String refused;

        RecordingTracker(String refused) {
            this.refused = refused;
        }

        @Override
        public TrackedRun startRun(String experiment, String runName, Map<String, String> tags) {
            return new TrackedRun() {
                @Override
                public String id() {
                    return "t-" + runName;
                }

                @Override
                public void logParams(Map<String, String> params) {
                }

                @Override
                public void setTags(Map<String, String> tags) {
                }

                @Override
                public void logMetric(String key, double value, long step) {
                    if (refused != null && key.startsWith(refused)) {
                        throw new IllegalStateException("tracker refused " + key);
                    }
                    metrics.put(key, value);
                }

                @Override
                public void logArtifact(String path, byte[] content) {
                    artifacts.add(path);
                }

                @Override
                public void finish(Status status) {
                    finished.add(status);
                }
            };
        }
    }

    private PromptOptimizer.Builder setup(RunTracker tracker) {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify.\nText: {{text}}");
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> QuickStartTest.TARGET.chat(prompts.get("sentiment").format(inputs)).text())
                .trainData(DATA).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Answer with one word.")))
                .budget(Budget.metricCalls(50)).runDirectory(dir.resolve("runs")).tracker(tracker);
    }

    @Test
    void theRunFinishedEventCarriesTheResultAndBothFullEvaluations() {
        List<OptimizationEvent.RunFinished> finished = new ArrayList<>();
        OptimizationResult result = setup(RunTracker.none()).listener(e -> {
            if (e instanceof OptimizationEvent.RunFinished f) {
                finished.add(f);
            }
        }).run();

        assertThat(finished).hasSize(1);
        OptimizationEvent.RunFinished f = finished.get(0);
        assertThat(f.result()).isEqualTo(result);
        assertThat(f.initialScore()).isEqualTo(0.0);
        assertThat(f.finalScore()).isEqualTo(1.0);
        assertThat(f.baseline().results()).hasSize(3);
        assertThat(f.baseline().mean()).isEqualTo(result.initialScore());
        assertThat(f.baseline().candidate().get("sentiment")).isEqualTo(result.initialPrompts().get(0).template());
        assertThat(f.finalEvaluation().candidate()).isEqualTo(result.bestTemplates());
        assertThat(f.finalEvaluation().mean()).isEqualTo(result.finalScore());
    }

    @Test
    void theTrackerLogsTheFinalMetricsAndArtifactsFromTheEvent() {
        RecordingTracker tracker = new RecordingTracker(null);
        OptimizationResult result = setup(tracker).run();

        assertThat(tracker.metrics).containsEntry("initial_eval_score", 0.0).containsEntry("final_eval_score", 1.0)
                .containsEntry("final_eval_score.exact_match", 1.0)
                .containsEntry("metric_calls", (double) result.metricCalls());
        assertThat(tracker.artifacts).contains("result.json", "eval_results/baseline.json", "eval_results/final.json");
        assertThat(tracker.finished).containsExactly(TrackedRun.Status.FINISHED);
    }

    @Test
    void aTrackerThatCannotTakeTheFinalMetricsFailsTheRun() {
        RecordingTracker tracker = new RecordingTracker("final_eval_score");
        assertThatThrownBy(() -> setup(tracker).run()).isInstanceOf(IllegalStateException.class)
                .hasMessage("tracker refused final_eval_score");
        assertThat(tracker.finished).containsExactly(TrackedRun.Status.FAILED);
    }

    /**
     * A provider found through the ServiceLoader of the thread context class loader (see {@link #withProvider}); it
     * records every event of the listeners it hands out, per runs folder.
     */
    public static final class RecordingProvider implements RunListenerProvider {
        static final Map<Path, List<OptimizationEvent>> EVENTS = new ConcurrentHashMap<>();
        static final Map<Path, LongSupplier> CLOCKS = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public OptimizationListener listener(Path runsDirectory, LongSupplier nanoClock) {
            CLOCKS.put(runsDirectory, nanoClock);
            List<OptimizationEvent> events = EVENTS.computeIfAbsent(runsDirectory,
                    d -> Collections.synchronizedList(new ArrayList<>()));
            return events::add;
        }
    }

    /**
     * Runs {@code body} with a context class loader that lists {@link RecordingProvider} in
     * META-INF/services, as a jar on the class path would (kept out of the test-jar other modules use).
     */
    private <T> T withProvider(java.util.function.Supplier<T> body) throws Exception {
        Path services = dir.resolve("spi/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(RunListenerProvider.class.getName()), RecordingProvider.class.getName() + "\n");
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("spi").toUri().toURL()},
                RunFinishedListenersTest.class.getClassLoader())) {
            thread.setContextClassLoader(loader);
            return body.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @Test
    void theListenerOfARunListenerProviderOnTheClassPathReceivesRunFinished() throws Exception {
        LongSupplier clock = System::nanoTime;
        OptimizationResult result = withProvider(() -> setup(RunTracker.none()).nanoClock(clock).run());

        List<OptimizationEvent> events = RecordingProvider.EVENTS.get(dir.resolve("runs"));
        assertThat(events).isNotNull();
        assertThat(events.get(0)).isInstanceOf(OptimizationEvent.RunStarted.class);
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(OptimizationEvent.RunFinished.class,
                f -> assertThat(f.result()).isEqualTo(result));
        assertThat(RecordingProvider.CLOCKS.get(dir.resolve("runs"))).isSameAs(clock);
    }

    @Test
    void defaultListenersFalseLeavesTheProvidersOut() throws Exception {
        List<OptimizationEvent> own = Collections.synchronizedList(new ArrayList<>());
        withProvider(() -> setup(RunTracker.none()).defaultListeners(false).listener(own::add).run());

        assertThat(RecordingProvider.EVENTS).doesNotContainKey(dir.resolve("runs"));
        assertThat(own).last().isInstanceOf(OptimizationEvent.RunFinished.class);
    }

    @Test
    void defaultListenersIsSetOnce() {
        PromptOptimizer.Builder builder = PromptOptimizer.builder().defaultListeners(false);
        assertThatThrownBy(() -> builder.defaultListeners(true)).isInstanceOf(IllegalStateException.class)
                .hasMessage("defaultListeners was already set");
    }
}
