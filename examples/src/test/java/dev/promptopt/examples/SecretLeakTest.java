package dev.promptopt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.Models;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.local.DirectoryRunTracker;
import dev.promptopt.cli.Promptopt;
import dev.promptopt.managed.OptimizationConfig;
import dev.promptopt.gepa.Gepa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials never reach a file, a log line, stdout or another model's prompt: runs end to end against a local
 * OpenAI-compatible server that echoes the caller's key in its 401 and 500 bodies, with the key in model URIs (API run
 * and managed run without targetPromptMapping), then every file under the run folders, registry, object store and
 * tracker, the captured stdout/stderr (where SLF4J writes) and every request body the server received are scanned.
 */
class SecretLeakTest {
    static {
        // SLF4J simple logger: everything from debug up, to System.err, which the test captures.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String key = "sk-live-" + UUID.randomUUID().toString().replace("-", "");
    private final String password = "pw-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    @TempDir
    Path dir;
    private EchoingServer server;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void start() throws IOException {
        server = new EchoingServer();
        savedOut = System.out;
        savedErr = System.err;
        PrintStream tee = new PrintStream(new TeeStream(captured, savedErr), true, StandardCharsets.UTF_8);
        System.setOut(tee);
        System.setErr(tee);
    }

    @AfterEach
    void stop() {
        System.setOut(savedOut);
        System.setErr(savedErr);
        server.close();
    }

    @Test
    void noCredentialReachesAFileALogOrAModel() throws Exception {
        String base = server.baseUrl();
        // API run: the key rides in the model URIs; the server echoes it in its error bodies.
        Path api = dir.resolve("api");
        PromptRegistry registry = PromptRegistry.inDirectory(api.resolve("prompts"));
        registry.register("sentiment", "Classify the sentiment of the text.\nText: {{text}}");
        LanguageModel task = Models.resolve("openai-compatible:/task-model?apiKey=" + key + "&baseUrl=" + base
                + "&maxAttempts=2");
        LanguageModel reflector = Models.resolve("openai-compatible:/reflector?apiKey=" + key + "&baseUrl=" + base);
        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> task.chat(prompts.get("sentiment").format(inputs)).text())
                .trainData(dataset()).scorers(Scorers.exactMatch())
                .optimizer(new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(30)))
                .tracker(new DirectoryRunTracker(api.resolve("tracking"))).runDirectory(api.resolve("runs"))
                .maxConcurrency(2).registerOnlyIfImproved(false).run();
        assertThat(result.metricCalls()).isPositive();

        server.resetFaults();
        // Managed run through the CLI: user:password in the target's baseUrl (sent as basic authentication, which the
        // server echoes), the key in the reflector's URI, no targetPromptMapping.
        Path managed = dir.resolve("managed");
        PromptRegistry.inDirectory(managed.resolve("prompts"))
                .register("sentiment", "Classify the sentiment of the text.\nText: {{text}}");
        writeSapData(managed.resolve("data/sentiment.json"));
        String withUserInfo = base.replace("http://", "http://svc:" + password + "@");
        String config = """
                {"basePrompt": "prompts:/sentiment/1", "dataset": "data:sentiment.json", "optimizationMetric": "Exact_Match",
                 "targetModels": ["openai-compatible:/task-model?baseUrl=%s&maxAttempts=2"],
                 "reflectionModel": "openai-compatible:/reflector?apiKey=%s&baseUrl=%s",
                 "optimizer": "gepa", "budget": {"maxMetricCalls": 30}, "maxConcurrency": 2, "registry": "prompts", "prototypeMode": true,
                 "objectStores": {"default": {"type": "local", "root": "store"}, "data": {"type": "local", "root": "data"}},
                 "tracking": "tracking"}
                """.formatted(withUserInfo, key, base);
        Path configFile = Files.writeString(managed.resolve("optimization.json"), config);
        ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
        ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
        int code = Promptopt.run(new String[] {"run", configFile.toString(), "--id", "exec-secret", "--work-dir",
                managed.resolve("work").toString()}, new PrintStream(cliOut, true, StandardCharsets.UTF_8),
                new PrintStream(cliErr, true, StandardCharsets.UTF_8));
        String cliText = cliOut.toString(StandardCharsets.UTF_8) + cliErr.toString(StandardCharsets.UTF_8);
        assertThat(code).as(cliText).isEqualTo(Promptopt.OK);
        assertThat(OptimizationConfig.load(configFile).targetPromptMapping().values()).as("named after the model name")
                .containsExactly("sentiment-openai-compatible-task-model");
        // Resuming the completed execution needs the original configuration again (the stored one is redacted).
        ByteArrayOutputStream resumeOut = new ByteArrayOutputStream();
        int resumed = Promptopt.run(new String[] {"resume", "exec-secret", "--config", configFile.toString(), "--work-dir",
                managed.resolve("work").toString(), "--quiet"}, new PrintStream(resumeOut, true, StandardCharsets.UTF_8),
                new PrintStream(resumeOut, true, StandardCharsets.UTF_8));
        assertThat(resumed).as(resumeOut.toString(StandardCharsets.UTF_8)).isEqualTo(Promptopt.OK);

        // The failures really happened and were recorded (so the scan below looks at the paths that used to leak).
        assertThat(server.unauthorized).as("401s echoing the key were served").isPositive();
        assertThat(server.serverErrors).as("500s echoing the key were served").isPositive();
        assertThat(server.basicEchoed).as("error replies echoing the basic authentication were served").isPositive();
        List<String> reflectionPrompts = server.bodies.stream().filter(b -> b.contains("\"reflector\"")).toList();
        assertThat(reflectionPrompts).as("the reflection model was asked").isNotEmpty();
        long reflectionWithErrors = reflectionPrompts.stream().filter(b -> b.contains("HTTP 401") || b.contains("HTTP 500"))
                .count();

        // The scan: files (contents and names) under every folder the runs wrote, captured output, request bodies.
        String basic = java.util.Base64.getEncoder().encodeToString(("svc:" + password).getBytes(StandardCharsets.UTF_8));
        List<String> needles = List.of(key, password, URLEncoder.encode(key, StandardCharsets.UTF_8), basic);
        List<String> leaks = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                if (f.equals(configFile)) {
                    continue; // the user's own configuration holds the key by design
                }
                files++;
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String n : needles) {
                    if (text.contains(n) || dir.relativize(f).toString().contains(n)) {
                        leaks.add(dir.relativize(f).toString());
                    }
                }
            }
        }
        String logs = captured.toString(StandardCharsets.UTF_8) + cliText + resumeOut.toString(StandardCharsets.UTF_8);
        for (String n : needles) {
            if (logs.contains(n)) {
                leaks.add("captured stdout/stderr/log output");
            }
            for (String body : server.bodies) {
                if (body.contains(n)) {
                    leaks.add("a request body: " + body.substring(0, Math.min(200, body.length())));
                }
            }
        }
        savedOut.println("SecretLeakTest: scanned " + files + " files, " + logs.length() + " chars of captured output, "
                + server.bodies.size() + " request bodies (" + reflectionPrompts.size() + " reflection prompts, "
                + reflectionWithErrors + " with an error text); "
                + server.unauthorized + " 401 and " + server.serverErrors + " 500 replies echoed the key");
        assertThat(files).as("files scanned").isGreaterThan(20);
        assertThat(logs).as("SLF4J output was captured (the retry warning of the 500s)").contains("retrying in");
        if (org.slf4j.LoggerFactory.getLogger("dev.promptopt").isDebugEnabled()) {
            // Debug is on when this class initialised SLF4J first in its test JVM; failures are logged at debug.
            assertThat(logs).as("the echoed key was recorded, redacted").contains("Incorrect API key provided: ***");
        }
        assertThat(leaks).as("places holding a credential").isEmpty();
    }

    private static Dataset dataset() {
        return Dataset.of("train", List.of(
                Example.of("1", Map.of("text", "I love it"), "positive"),
                Example.of("2", Map.of("text", "I hate it"), "negative"),
                Example.of("3", Map.of("text", "boom, love it"), "positive"),
                Example.of("4", Map.of("text", "flaky but I love it"), "positive"),
                Example.of("5", Map.of("text", "love this"), "positive"),
                Example.of("6", Map.of("text", "awful"), "negative")));
    }

    private static void writeSapData(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("[");
        for (Example e : dataset()) {
            sb.append(sb.length() == 1 ? "" : ",").append("{\"fields\": {\"text\": \"").append(e.inputs().get("text"))
                    .append("\"}, \"answer\": \"").append(e.outputs()).append("\"}");
        }
        Files.writeString(file, sb.append("]").toString());
    }

    /** Writes to two streams. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }

    /**
     * An OpenAI-compatible chat endpoint on loopback that records every request body. The task model answers
     * "positive" unless the instruction says "positive or negative" and the text lacks "love"; inputs with "boom" get a 401 and inputs with "flaky" a 500 (the first
     * four times each, per run), both bodies echoing the caller's key as some proxies do; the model "reflector"
     * proposes a new instruction.
     */
    private static final class EchoingServer implements AutoCloseable {
        final List<String> bodies = new CopyOnWriteArrayList<>();
        /** Faults are transient (a proxy having a bad minute): each kind fails this many times, then answers. */
        final Map<String, Integer> faultsLeft = new java.util.concurrent.ConcurrentHashMap<>();
        volatile int unauthorized;
        volatile int serverErrors;
        /** Error replies that echoed a basic authentication header (user info of a base URL). */
        volatile int basicEchoed;
        private final HttpServer http;
        private final ExecutorService pool = Executors.newFixedThreadPool(4);

        void resetFaults() {
            faultsLeft.put("boom", 4);
            faultsLeft.put("flaky", 4);
        }

        EchoingServer() throws IOException {
            resetFaults();
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/", this::handle);
            http.setExecutor(pool);
            http.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
        }

        private synchronized void count(int status) {
            if (status == 401) {
                unauthorized++;
            } else if (status == 500) {
                serverErrors++;
            }
        }

        private void handle(HttpExchange ex) throws IOException {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String callerKey = auth == null ? "" : auth.replaceFirst("(?i)^Bearer\\s+", "");
            JsonNode req = JSON.readTree(body);
            StringBuilder text = new StringBuilder();
            req.path("messages").forEach(m -> text.append(m.path("content").asText()).append('\n'));
            String model = req.path("model").asText();
            int status = 200;
            String reply;
            if (model.equals("reflector")) {
                reply = ok("```\nClassify the sentiment of the text as positive or negative.\nText: {{text}}\n```");
            } else if (text.indexOf("boom") >= 0 && faultsLeft.merge("boom", -1, Integer::sum) >= 0) {
                status = 401;
                reply = "{\"error\": {\"message\": \"Incorrect API key provided: " + callerKey
                        + ". Check Authorization: Bearer " + callerKey + "\", \"type\": \"invalid_request_error\"}}";
            } else if (text.indexOf("flaky") >= 0 && faultsLeft.merge("flaky", -1, Integer::sum) >= 0) {
                status = 500;
                reply = "{\"error\": {\"message\": \"upstream failed for key " + callerKey + "\"}}";
            } else {
                // Only an instruction naming both labels gets right answers: the seed needs reflection.
                boolean told = text.indexOf("positive or negative") >= 0;
                reply = ok(!told || text.indexOf("love") >= 0 ? "positive" : "negative");
            }
            count(status);
            if (status != 200 && callerKey.startsWith("Basic ")) {
                basicEchoed++;
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }

        private static String ok(String content) throws IOException {
            return """
                    {"id":"c1","object":"chat.completion","created":1,"model":"m",
                     "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"""
                    .formatted(JSON.writeValueAsString(content));
        }

        @Override
        public void close() {
            http.stop(0);
            pool.shutdownNow();
        }
    }
}
