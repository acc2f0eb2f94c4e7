package dev.promptopt.mlflow;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code mlflow server} for tests: SQLite backend and a local artifact root in a folder, on a free
 * loopback port. The virtualenv comes from {@code scripts/mlflow-server.sh} (installed on first use).
 */
public final class MlflowServer implements ExtensionContext.Store.CloseableResource {
    private static final Logger log = LoggerFactory.getLogger(MlflowServer.class);
    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static volatile Path venv;

    private final Path dataDir;
    private final int port;
    private final Process process;

    private MlflowServer(Path dataDir, int port, Process process) {
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
    }

    /** Starts a server on a fresh folder and a free port. */
    public static MlflowServer start() throws IOException {
        return start(Files.createTempDirectory("mlflow-test-"), freePort());
    }

    /** Starts a server on an existing folder (same SQLite file and artifacts) and a given port. */
    public static MlflowServer start(Path dataDir, int port) throws IOException {
        Path python = ensureVenv();
        Path mlflow = python.getParent().resolve("mlflow");
        Files.createDirectories(dataDir.resolve("artifacts"));
        List<String> cmd = List.of(mlflow.toString(), "server",
                "--backend-store-uri", "sqlite:///" + dataDir.resolve("mlflow.db").toAbsolutePath(),
                "--artifacts-destination", dataDir.resolve("artifacts").toAbsolutePath().toString(),
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--workers", "1");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("server.log").toFile()));
        pb.environment().remove("MLFLOW_TRACKING_URI"); // the server must not see a client setting
        pb.environment().put("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false"); // no job runner processes: faster start
        long t0 = System.nanoTime();
        Process p = pb.start();
        MlflowServer server = new MlflowServer(dataDir, port, p);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "mlflow-server-stop")); // even if JUnit does not get to close it
        try {
            server.awaitHealthy();
        } catch (IOException | RuntimeException e) {
            server.stop();
            throw e;
        }
        log.info("mlflow server {} ready at {} in {} ms (data {})", venvVersion(), server.uri(),
                (System.nanoTime() - t0) / 1_000_000, dataDir);
        return server;
    }

    private static String venvVersion() {
        return System.getProperty("mlflow.version", "");
    }

    /** The venv's python, installing the venv first when needed (the script is idempotent). */
    public static synchronized Path ensureVenv() throws IOException {
        if (venv != null) {
            return venv;
        }
        Path script = findScript();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        String version = System.getProperty("mlflow.version");
        if (version != null && !version.isBlank()) {
            pb.environment().put("MLFLOW_VERSION", version);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(script + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
                        + "); its output: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while installing mlflow", e);
        }
        String[] lines = out.split("\n");
        Path dir = Path.of(lines[lines.length - 1].strip());
        Path python = dir.resolve("bin/python");
        if (!Files.isExecutable(python)) {
            throw new IOException(script + " printed '" + dir + "', which has no bin/python");
        }
        venv = python;
        return python;
    }

    private static Path findScript() throws IOException {
        String configured = System.getProperty("mlflow.server.script");
        if (configured != null && Files.exists(Path.of(configured))) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts/mlflow-server.sh");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IOException("scripts/mlflow-server.sh not found (set -Dmlflow.server.script)");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitHealthy() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mlflow server exited with " + process.exitValue() + " before it was healthy; log:\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for mlflow server", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for mlflow server", e);
            }
        }
        throw new IOException("mlflow server at " + uri() + " not healthy after " + STARTUP + "; log:\n" + logTail());
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("server.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public MlflowConnection connection() {
        return MlflowConnection.builder(uri()).maxAttempts(3).initialBackoff(Duration.ofMillis(100)).build();
    }

    /** Stops the server and every process it started (gunicorn/uvicorn workers, job runners). */
    public void stop() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroy();
        all.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        stop();
    }

    /** Runs Python code in the server's venv with {@code MLFLOW_TRACKING_URI} set; returns stdout, fails on error. */
    public String python(String code) throws IOException, InterruptedException {
        return python(code, Map.of());
    }

    public String python(String code, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(ensureVenv().toString(), "-c", code);
        pb.environment().put("MLFLOW_TRACKING_URI", uri());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        pb.environment().putAll(env);
        Path err = Files.createTempFile("mlflow-python-", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("python timed out");
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        if (p.exitValue() != 0) {
            throw new AssertionError("python failed with exit " + p.exitValue() + "\nstdout:\n" + out + "\nstderr:\n" + stderr);
        }
        return out;
    }
}
