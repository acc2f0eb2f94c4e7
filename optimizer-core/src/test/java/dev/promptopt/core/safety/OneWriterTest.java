package dev.promptopt.core.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.RunInUseException;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per run folder: a second resume of a running run gets an error naming the holder. */
class OneWriterTest {
    @TempDir
    Path dir;

    private PromptOptimizer.Builder builder(PromptRegistry registry, AtomicInteger calls, CountDownLatch started,
                                            CountDownLatch release) {
        return builder(registry, calls, started, release, dir);
    }

    private PromptOptimizer.Builder builder(PromptRegistry registry, AtomicInteger calls, CountDownLatch started,
                                            CountDownLatch release, Path runs) {
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> {
                    calls.incrementAndGet();
                    started.countDown();
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released the first run");
                    }
                    return "positive";
                })
                .trainData(Dataset.of("train", List.of(Example.of("a", Map.of("text", "I love it"), "positive"),
                        Example.of("b", Map.of("text", "meh"), "neutral"))))
                .scorers(Scorers.exactMatch()).optimizer(new HillClimbOptimizer("sentiment", List.of("x")))
                .budget(Budget.metricCalls(20)).maxConcurrency(1).runDirectory(runs);
    }

    @Test
    void twoResumesOfOneRunAtOnceLetExactlyOneProceed() throws Exception {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify: {{text}}");
        AtomicInteger firstCalls = new AtomicInteger();
        AtomicInteger secondCalls = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        CompletableFuture<OptimizationResult> first = CompletableFuture.supplyAsync(
                () -> builder(registry, firstCalls, started, release).runId("r1").run(), thread);
        thread.shutdown();
        assertThat(started.await(30, TimeUnit.SECONDS)).as("first run started").isTrue();

        PromptOptimizer second = builder(registry, secondCalls, new CountDownLatch(1), new CountDownLatch(0))
                .resume("r1").build();
        assertThatThrownBy(second::run).isInstanceOf(RunInUseException.class)
                .hasMessageStartingWith("run 'r1' in " + dir.resolve("r1") + " is in use by pid "
                        + ProcessHandle.current().pid() + " on host ")
                .hasMessageContaining(" since 20")
                .hasMessageEndingWith(": one process at a time may write a run (wait for it to end, or stop it, then resume)");
        assertThat(secondCalls).as("the refused resume made no call").hasValue(0);

        release.countDown();
        assertThat(first.get(60, TimeUnit.SECONDS).runId()).isEqualTo("r1");
        assertThat(firstCalls.get()).isPositive();
        assertThat(Files.readString(dir.resolve("r1/run.lock"))).startsWith("pid " + ProcessHandle.current().pid());

        // The lock goes with its holder: the run can be resumed now.
        OptimizationResult again = builder(registry, secondCalls, new CountDownLatch(1), new CountDownLatch(0))
                .resume("r1").run();
        assertThat(again.runId()).isEqualTo("r1");
    }

    @Test
    void aSecondProcessResumingARunningRunGetsTheHoldersPid() throws Exception {
        PromptRegistry registry = PromptRegistry.inDirectory(dir.resolve("prompts"));
        registry.register("sentiment", "Classify: {{text}}");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HoldRun.class.getName(),
                dir.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line = lines.readLine(); line != null && !line.equals("started"); line = lines.readLine()) {
                seen.append(line).append('\n');
            }
            assertThat(child.isAlive()).as(seen::toString).isTrue();

            AtomicInteger calls = new AtomicInteger();
            PromptOptimizer second = builder(registry, calls, new CountDownLatch(1), new CountDownLatch(0), dir.resolve("runs"))
                    .resume("r1").build();
            assertThatThrownBy(second::run).isInstanceOf(RunInUseException.class)
                    .hasMessageStartingWith("run 'r1' in " + dir.resolve("runs/r1") + " is in use by pid " + child.pid()
                            + " on host ");
            assertThat(calls).hasValue(0);

            child.getOutputStream().close(); // lets the child's run finish
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
            assertThat(builder(registry, calls, new CountDownLatch(1), new CountDownLatch(0), dir.resolve("runs"))
                    .resume("r1").run().runId()).isEqualTo("r1");
        } finally {
            child.destroyForcibly();
        }
    }

    /** A process that runs 'r1' and holds it until its standard input closes. */
    public static final class HoldRun {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            Object gate = new Object();
            boolean[] released = {false};
            PromptOptimizer.builder().registry(PromptRegistry.inDirectory(dir.resolve("prompts")))
                    .prompts("prompts:/sentiment/1")
                    .predictFn((inputs, prompts) -> {
                        synchronized (gate) {
                            if (!released[0]) {
                                System.out.println("started");
                                System.out.flush();
                                while (System.in.read() >= 0) {
                                    // wait for the parent to close our input
                                }
                                released[0] = true;
                            }
                        }
                        return "positive";
                    })
                    .trainData(Dataset.of("train", List.of(Example.of("a", Map.of("text", "I love it"), "positive"),
                            Example.of("b", Map.of("text", "meh"), "neutral"))))
                    .scorers(Scorers.exactMatch()).optimizer(new HillClimbOptimizer("sentiment", List.of("x")))
                    .budget(Budget.metricCalls(20)).maxConcurrency(1).runDirectory(dir.resolve("runs")).runId("r1").run();
        }
    }
}
