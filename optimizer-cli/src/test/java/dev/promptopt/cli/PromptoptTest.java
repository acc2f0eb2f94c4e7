package dev.promptopt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.ObjectStore;
import dev.promptopt.managed.Executions;
import dev.promptopt.managed.ManagedFixture;
import dev.promptopt.managed.OptimizationConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process: exit codes, help per subcommand, the version, and errors naming what is wrong. */
class PromptoptTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Promptopt.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        assertThat(run("--help")).isEqualTo(Promptopt.OK);
        assertThat(out()).contains("run", "status", "resume", "cancel", "--version", "Exit codes:",
                "3   the execution was stopped by a cancel");
        assertThat(err()).isEmpty();
    }

    @Test
    void eachCommandHasItsOwnHelp() {
        assertThat(run("resume", "--help")).isEqualTo(Promptopt.OK);
        assertThat(out()).contains("Usage: promptopt resume", "<id>", "--config", "--stores", "--work-dir", "--quiet")
                .doesNotContain("--json");
        out.reset();
        assertThat(run("help", "status")).isEqualTo(Promptopt.OK);
        assertThat(out()).contains("Usage: promptopt status", "--json");
    }

    @Test
    void versionPrintsTheBuildVersion() throws Exception {
        assertThat(run("--version")).isEqualTo(Promptopt.OK);
        String pom = Files.readString(Path.of("pom.xml"));
        String version = pom.substring(pom.indexOf("<version>", pom.indexOf("<parent>")) + 9);
        version = version.substring(0, version.indexOf('<'));
        assertThat(out().strip()).isEqualTo("promptopt " + version);
    }

    @Test
    void noCommandIsABadArgumentWithTheUsageOnStderr() {
        assertThat(run()).isEqualTo(Promptopt.INVALID);
        assertThat(err()).contains("Usage: promptopt");
        assertThat(out()).isEmpty();
    }

    @Test
    void anUnknownOptionIsNamedAndNothingRuns() {
        Path config = ManagedFixture.in(dir).write(ManagedFixture.in(dir).config());
        assertThat(run("run", config.toString(), "--work-dri", dir.resolve("work").toString())).isEqualTo(Promptopt.INVALID);
        assertThat(err()).contains("Unknown options: '--work-dri'", "Possible solutions: --work-dir");
        assertThat(dir.resolve("work")).doesNotExist();
        assertThat(out()).isEmpty();
    }

    @Test
    void aMisspelledCommandIsNamedWithASuggestion() {
        assertThat(run("rnu", "optimization.json")).isEqualTo(Promptopt.INVALID);
        assertThat(err()).contains("'rnu'", "run");
    }

    @Test
    void anOptionMissingItsValueIsNamed() {
        assertThat(run("status", "exec-1", "--config")).isEqualTo(Promptopt.INVALID);
        assertThat(err()).contains("--config");
    }

    @Test
    void aMissingConfigurationIsAnInvalidInputNamingTheFile() {
        Path missing = dir.resolve("nowhere.json");
        assertThat(run("run", missing.toString(), "--quiet")).isEqualTo(Promptopt.INVALID);
        assertThat(err()).startsWith("error: ").contains("nowhere.json");
    }

    @Test
    void runCompletesThenStatusReportsIt() throws Exception {
        ManagedFixture f = ManagedFixture.in(dir);
        Path config = f.write(f.config());
        assertThat(run("run", config.toString(), "--id", "exec-cli", "--work-dir", dir.resolve("work").toString(),
                "--quiet")).as(err()).isEqualTo(Promptopt.OK);
        assertThat(out()).startsWith("execution exec-cli\n").contains("execution exec-cli: COMPLETED");
        try (var files = Files.walk(dir.resolve("work/exec-cli/runs"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("optimizer-report writes the run's page")
                    .contains("report.html");
        }
        out.reset();
        assertThat(run("status", "exec-cli", "--config", config.toString())).isEqualTo(Promptopt.OK);
        assertThat(out()).startsWith("execution exec-cli: COMPLETED");
        out.reset();
        assertThat(run("status", "exec-cli", "--config", config.toString(), "--json")).isEqualTo(Promptopt.OK);
        assertThat(out()).contains("\"status\" : \"COMPLETED\"");
    }

    @Test
    void theStatusOfAnUnknownExecutionIsAnInvalidInput() {
        ManagedFixture f = ManagedFixture.in(dir);
        Path config = f.write(f.config());
        assertThat(run("status", "exec-none", "--config", config.toString())).isEqualTo(Promptopt.INVALID);
        assertThat(err()).startsWith("error: ").contains("exec-none");
    }

    @Test
    void resumeRefusesAnExecutionAnotherWorkerIsRunning() {
        ManagedFixture f = ManagedFixture.in(dir);
        Path configFile = f.write(f.config());
        OptimizationConfig config = OptimizationConfig.load(configFile);
        Executions.builder(config.buildStores()).workDirectory(dir.resolve("work")).build().create(config, "exec-busy");
        ObjectStore store = config.buildStores().defaultStore();
        ManagedFixture.holdLease(store, "exec-busy", "worker-elsewhere");

        int code = run("resume", "exec-busy", "--config", configFile.toString(), "--work-dir",
                dir.resolve("work-2").toString(), "--quiet");

        assertThat(code).isEqualTo(Promptopt.INVALID);
        assertThat(err()).startsWith("error: execution 'exec-busy' is being run by worker worker-elsewhere (pid "
                + ProcessHandle.current().pid() + " on host ");
        assertThat(dir.resolve("work-2/exec-busy/runs")).as("no run folder was started").doesNotExist();
    }

    @Test
    void anExecutionCancelledWhileItRunsExitsWithThree() throws Exception {
        TestModels.reset();
        ManagedFixture f = ManagedFixture.in(dir);
        com.fasterxml.jackson.databind.node.ObjectNode c = f.config();
        c.putArray("targetModels").add("gate:/good").add("scripted:/bad");
        c.putArray("targetPromptMapping").add("gate:/good=qa-good:1").add("scripted:/bad=qa-bad");
        Path config = f.write(c);
        java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Integer> running = runner.submit(() -> run("run", config.toString(), "--id",
                    "exec-stop", "--work-dir", dir.resolve("work").toString(), "--quiet"));
            assertThat(TestModels.reached.await(2, java.util.concurrent.TimeUnit.MINUTES))
                    .as("the first target's model was called").isTrue();
            ByteArrayOutputStream cancelOut = new ByteArrayOutputStream();
            int cancelled = Promptopt.run(new String[] {"cancel", "exec-stop", "--config", config.toString()},
                    new PrintStream(cancelOut, true, StandardCharsets.UTF_8), new PrintStream(cancelOut, true, StandardCharsets.UTF_8));
            assertThat(cancelled).as(cancelOut.toString(StandardCharsets.UTF_8)).isEqualTo(Promptopt.OK);
            TestModels.release.countDown();
            assertThat(running.get(2, java.util.concurrent.TimeUnit.MINUTES)).as(err()).isEqualTo(Promptopt.STOPPED);
        } finally {
            TestModels.release.countDown();
            runner.shutdownNow();
        }
        assertThat(out()).contains("execution exec-stop: STOPPED");
    }

    @Test
    void anExecutionThatFailsExitsWithOneAndPrintsTheError() {
        ManagedFixture f = ManagedFixture.in(dir);
        com.fasterxml.jackson.databind.node.ObjectNode c = f.config();
        c.putArray("targetModels").add("broken:/m");
        c.putArray("targetPromptMapping").add("broken:/m=qa-good:1");
        c.remove("baseModel");
        Path config = f.write(c);
        int code = run("run", config.toString(), "--id", "exec-fail", "--work-dir", dir.resolve("work").toString(), "--quiet");
        assertThat(code).as(out() + err()).isEqualTo(Promptopt.FAILED);
        assertThat(out()).contains("execution exec-fail: FAILED");
        assertThat(err()).contains("error: ").contains("HTTP 401: invalid credentials");
    }
}
