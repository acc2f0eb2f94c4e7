package dev.promptopt.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.ObjectStore;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.io.JsonSupport;
import dev.promptopt.managed.Execution;
import dev.promptopt.managed.ExecutionState;
import dev.promptopt.managed.ExecutionStatus;
import dev.promptopt.managed.Executions;
import dev.promptopt.managed.ManagedFixture;
import dev.promptopt.managed.ObjectStores;
import dev.promptopt.managed.OptimizationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Managed executions whose outputs and inputs live in S3 (S3Proxy in this JVM), with scripted models. */
class ManagedS3ExecutionTest {
    @TempDir
    Path dir;

    /** The fixture's configuration with the default store and the data store in S3 under a fresh prefix. */
    private ObjectNode s3Config(ManagedFixture f, String prefix) {
        S3ProxyFixture s3 = S3ProxyFixture.get();
        s3.createBucket("executions");
        s3.createBucket("datasets");
        try (S3ObjectStore data = s3.store("datasets", prefix)) {
            data.put("qa/all.json", Files.readAllBytes(f.dir().resolve("data/qa/all.json")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ObjectNode c = f.config();
        ObjectNode stores = c.putObject("objectStores");
        for (String[] s : new String[][] {{"default", "executions"}, {"data", "datasets"}}) {
            stores.putObject(s[0]).put("type", "s3").put("bucket", s[1]).put("endpoint", s3.endpoint())
                    .put("region", "us-east-1").put("pathPrefix", prefix).put("pathStyleAccess", "true")
                    .put("accessKeyIdEnv", "PROMPTOPT_TEST_S3_ACCESS_KEY_ID")
                    .put("secretAccessKeyEnv", "PROMPTOPT_TEST_S3_SECRET_ACCESS_KEY");
        }
        return c;
    }

    @Test
    void namedStoresBuildS3StoresThroughTheProvider() {
        ManagedFixture f = ManagedFixture.in(dir);
        OptimizationConfig config = OptimizationConfig.load(f.write(s3Config(f, "named")));
        ObjectStores stores = config.buildStores();

        assertThat(stores.defaultStore().describe()).isEqualTo("s3://executions/named");
        assertThat(stores.get("data").describe()).isEqualTo("s3://datasets/named");
        assertThat(stores.read("data:qa/all.json")).isNotEmpty();
    }

    @Test
    void aFullExecutionOverS3RegistersTwoPromptsAndWritesResultsToTheDefaultStore() {
        ManagedFixture f = ManagedFixture.in(dir);
        String prefix = "full-" + UUID.randomUUID();
        OptimizationConfig config = OptimizationConfig.load(f.write(s3Config(f, prefix)));
        List<ExecutionStatus> statuses = new ArrayList<>();
        Executions executions = Executions.builder(config.buildStores()).workDirectory(dir.resolve("work"))
                .stateListener(s -> {
                    if (statuses.isEmpty() || statuses.get(statuses.size() - 1) != s.status()) {
                        statuses.add(s.status());
                    }
                }).build();

        Execution e = executions.create(config, "exec-s3");
        ExecutionState end = e.run();

        assertThat(end.status()).as("%s", end.error()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(statuses).containsExactly(ExecutionStatus.PENDING, ExecutionStatus.RUNNING, ExecutionStatus.COMPLETED);
        PromptRegistry registry = PromptRegistry.inDirectory(dir.resolve("prompts"));
        assertThat(registry.load("prompts:/qa-good/1").template().messages().get(0).content())
                .isEqualTo("Repeat the text. Reply in UPPERCASE.");
        assertThat(registry.load("prompts:/qa-bad/1").template().messages().get(0).content())
                .isEqualTo("Repeat the text. SHOUT.");

        try (S3ObjectStore raw = S3ProxyFixture.get().store("executions", prefix)) {
            assertThat(raw.list("exec-s3/")).contains("exec-s3/execution.json", "exec-s3/config.json",
                    "exec-s3/result-data/results.json", "exec-s3/runs/exec-s3-0/checkpoint.json",
                    "exec-s3/runs/exec-s3-1/checkpoint.json", "exec-s3/runs/exec-s3-1/evaluations.jsonl",
                    "exec-s3/runs/exec-s3-2/checkpoint.json");
            JsonNode results = read(raw.get("exec-s3/result-data/results.json"));
            assertThat(results.path("origin_model").path("model_name").asText()).isEqualTo("scripted:/base");
            assertThat(results.path("target_models")).hasSize(2);
            for (JsonNode t : results.path("target_models")) {
                assertThat(t.fieldNames()).toIterable().contains("model_name", "pre_optimization_score",
                        "post_optimization_score", "system_prompt", "user_message_template", "user_message_template_fields");
                assertThat(t.path("pre_optimization_score").asDouble()).isEqualTo(0.0);
                assertThat(t.path("post_optimization_score").asDouble()).isEqualTo(1.0);
            }
        }
    }

    @Test
    void anExecutionKilledMidwayResumesToTheUninterruptedResultWithoutRepeatingAModelCall() throws Exception {
        // Reference: the same configuration, uninterrupted, in its own folder (own registry) and prefix.
        ManagedFixture ref = ManagedFixture.in(dir.resolve("ref"));
        Path refCalls = dir.resolve("ref-calls.txt");
        ObjectNode refConfig = s3Config(ref, "ref-" + UUID.randomUUID());
        refConfig.put("maxConcurrency", 1);
        Path refFile = ref.write(refConfig);
        Process refRun = child(refCalls, null, "run", refFile.toString(), "--id", "exec-ref", "--work-dir", dir.resolve("ref-work").toString());
        assertThat(refRun.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(refRun.exitValue()).as(log("exec-ref")).isZero();

        ManagedFixture crash = ManagedFixture.in(dir.resolve("crash"));
        Path calls = dir.resolve("crash-calls.txt");
        ObjectNode crashConfig = s3Config(crash, "crash-" + UUID.randomUUID());
        crashConfig.put("maxConcurrency", 1);
        Path crashFile = crash.write(crashConfig);
        Path work = dir.resolve("crash-work");
        int total = Files.readAllLines(refCalls).size();
        int hangAt = total - 10; // inside the second target's run (each target makes about half the calls), after the first completed

        ObjectStore crashStore = OptimizationConfig.load(crashFile).buildStores().defaultStore();
        Semaphore puts = new Semaphore(0);
        try (AutoCloseable listening = S3ProxyFixture.get().onPut((bucket, key) -> puts.release())) {
            Process first = child(calls, hangAt, "run", crashFile.toString(), "--id", "exec-crash", "--work-dir", work.toString());
            Path hung = Path.of(calls + ".hung");
            assertThat(awaitFile(hung, first, Duration.ofSeconds(120)))
                    .as("the child reached call %d: %s", hangAt, log("exec-crash")).isTrue();
            // The child hangs in a model call; its sync thread keeps copying the run folder to the store.
            // Wait for the writes that make the store's copy equal the local one, whatever their timing.
            while (!storeCopyIsCurrent(crashStore, work.resolve("exec-crash").resolve("runs"))) {
                assertThat(puts.tryAcquire(120, TimeUnit.SECONDS)).as("a write to the store by the sync thread: %s",
                        log("exec-crash")).isTrue();
                puts.drainPermits();
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no final save
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        int before = Files.readAllLines(calls).size();
        assertThat(before).isEqualTo(hangAt - 1);

        ObjectStores stores = OptimizationConfig.load(crashFile).buildStores();
        Executions executions = Executions.builder(stores).build();
        ExecutionState died = executions.status("exec-crash");
        assertThat(died.status()).isEqualTo(ExecutionStatus.RUNNING); // the process died without a word
        assertThat(died.targets().get(0).status()).isEqualTo(ExecutionStatus.COMPLETED);

        Files.delete(Path.of(calls + ".hung"));
        Process second = child(calls, null, "resume", "exec-crash", "--config", crashFile.toString(), "--work-dir", work.toString());
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(log("exec-crash")).isZero();

        List<String> crashLines = Files.readAllLines(calls);
        List<String> refLines = Files.readAllLines(refCalls);
        assertThat(new HashSet<>(crashLines)).as("no model call repeated").hasSize(crashLines.size());
        assertThat(crashLines).hasSize(refLines.size());
        assertThat(new HashSet<>(crashLines)).isEqualTo(new HashSet<>(refLines));

        JsonNode resumed = executions.results("exec-crash");
        JsonNode uninterrupted = Executions.builder(OptimizationConfig.load(refFile).buildStores()).build().results("exec-ref");
        assertThat(resumed.get("origin_model")).isEqualTo(uninterrupted.get("origin_model"));
        assertThat(resumed.get("target_models")).isEqualTo(uninterrupted.get("target_models"));
        assertThat(executions.status("exec-crash").status()).isEqualTo(ExecutionStatus.COMPLETED);
        assertThat(PromptRegistry.inDirectory(crash.dir().resolve("prompts")).versions("qa-good")).hasSize(1);
        assertThat(PromptRegistry.inDirectory(crash.dir().resolve("prompts")).versions("qa-bad")).hasSize(1);
    }

    private final List<Path> logs = new ArrayList<>();

    /**
     * Whether every run folder under {@code runs} has its journal (complete lines) and checkpoint copied
     * to the store under {@code exec-crash/runs/<run>/}.
     */
    private static boolean storeCopyIsCurrent(ObjectStore store, Path runs) throws java.io.IOException {
        if (!Files.isDirectory(runs)) {
            return false;
        }
        List<Path> folders;
        try (var list = Files.list(runs)) {
            folders = list.filter(Files::isDirectory).toList();
        }
        if (folders.isEmpty()) {
            return false;
        }
        for (Path run : folders) {
            String prefix = "exec-crash/runs/" + run.getFileName() + "/";
            Path checkpoint = run.resolve("checkpoint.json");
            Path journal = run.resolve("evaluations.jsonl");
            if (!Files.isRegularFile(checkpoint) || !store.exists(prefix + "checkpoint.json")
                    || !Arrays.equals(Files.readAllBytes(checkpoint), store.get(prefix + "checkpoint.json"))) {
                return false;
            }
            byte[] local = Files.isRegularFile(journal) ? Files.readAllBytes(journal) : new byte[0];
            int end = local.length;
            while (end > 0 && local[end - 1] != '\n') {
                end--;
            }
            byte[] stored = store.exists(prefix + "evaluations.jsonl") ? store.get(prefix + "evaluations.jsonl") : new byte[0];
            if (!Arrays.equals(Arrays.copyOf(local, end), stored)) {
                return false;
            }
        }
        return true;
    }

    /** Waits for {@code file} to be created (a file-system event) or for {@code process} to end. */
    private static boolean awaitFile(Path file, Process process, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        try (WatchService watch = file.getFileSystem().newWatchService()) {
            file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            while (!Files.exists(file) && process.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // The bound lets the loop see the process end; a creation event wakes it at once.
                WatchKey key = watch.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
        return Files.exists(file);
    }

    /** Starts an execution in a child JVM with this test's classpath; its output goes to a file. */
    private Process child(Path callsFile, Integer hangAt, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Dpromptopt.scripted.calls=" + callsFile);
        if (hangAt != null) {
            cmd.add("-Dpromptopt.scripted.hangAt=" + hangAt);
        }
        cmd.add(ExecutionChild.class.getName());
        cmd.addAll(List.of(args));
        Path out = dir.resolve("cli-" + logs.size() + ".log");
        logs.add(out);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private String log(String what) {
        StringBuilder sb = new StringBuilder(what).append(" output:");
        for (Path p : logs) {
            try {
                sb.append("\n--- ").append(p.getFileName()).append('\n').append(Files.readString(p, UTF_8));
            } catch (java.io.IOException e) {
                sb.append(e);
            }
        }
        return sb.toString();
    }

    private static JsonNode read(byte[] bytes) {
        try {
            return JsonSupport.mapper().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
