package dev.promptopt.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.internal.JsonSupport;
import dev.promptopt.managed.Execution;
import dev.promptopt.managed.ExecutionState;
import dev.promptopt.managed.ExecutionStatus;
import dev.promptopt.managed.Executions;
import dev.promptopt.managed.ManagedFixture;
import dev.promptopt.managed.ObjectStores;
import dev.promptopt.managed.OptimizationConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
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

        Process first = child(calls, hangAt, "run", crashFile.toString(), "--id", "exec-crash", "--work-dir", work.toString());
        Path hung = Path.of(calls + ".hung");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.exists(hung) && first.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(Files.exists(hung)).as("the child reached call %d: %s", hangAt, log("exec-crash")).isTrue();
        Thread.sleep(1500); // let the sync thread copy the run folder to the store at least once more
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no final save
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int before = Files.readAllLines(calls).size();
        assertThat(before).isEqualTo(hangAt - 1);

        ObjectStores stores = OptimizationConfig.load(crashFile).buildStores();
        Executions executions = Executions.builder(stores).build();
        ExecutionState died = executions.status("exec-crash");
        assertThat(died.status()).isEqualTo(ExecutionStatus.RUNNING); // the process died without a word
        assertThat(died.targets().get(0).status()).isEqualTo(ExecutionStatus.COMPLETED);

        Files.delete(hung);
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
