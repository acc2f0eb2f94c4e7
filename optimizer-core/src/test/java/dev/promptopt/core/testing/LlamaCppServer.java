package dev.promptopt.core.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real LLM behind an OpenAI-compatible HTTP API for tests: llama.cpp's server (PyPI {@code xllamacpp},
 * installed by {@code scripts/llama-server.sh} into a cached virtualenv) serving the SmolLM2-135M GGUF that
 * {@code scripts/fetch-local-model.sh} fetched, on a free loopback port. Closing it stops the server.
 *
 * <pre>{@code
 * try (LlamaCppServer server = LlamaCppServer.start()) {
 *     LanguageModel m = Models.resolve("openai-compatible:/smollm2", Map.of("baseUrl", server.baseUrl()));
 * }
 * }</pre>
 *
 * <p>When the model file is missing the calling test is skipped with the fix, except under {@code CI=true},
 * where it fails: CI must have fetched the model first.
 */
public final class LlamaCppServer implements AutoCloseable {
    /** Longest wait for the first start (which may install the virtualenv) to report its address. */
    private static final long START_TIMEOUT_SECONDS = 600;
    private static final String MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf";

    private final Process process;
    private final String address;
    private final Path log;

    private LlamaCppServer(Process process, String address, Path log) {
        this.process = process;
        this.address = address;
        this.log = log;
    }

    /** Starts the server with 4 request slots. */
    public static LlamaCppServer start() {
        return start(4);
    }

    /** Starts the server with {@code parallel} request slots (concurrent requests it decodes together). */
    public static LlamaCppServer start(int parallel) {
        Path model = modelPath();
        if (!Files.isRegularFile(model)) {
            String msg = "local model missing at " + model + "; run scripts/fetch-local-model.sh";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg + " (CI=true: CI must fetch the model before the tests)");
            }
            assumeTrue(false, msg);
        }
        Path script = findScript();
        try {
            Path log = Files.createTempFile("llama-server-", ".log");
            ProcessBuilder pb = new ProcessBuilder(List.of("bash", script.toString(), "serve",
                    "--model", model.toString(), "--parallel", String.valueOf(parallel),
                    "--ctx", String.valueOf(1024 * parallel)));
            pb.redirectError(log.toFile());
            Process process = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.startsWith("listening on ")) {
                            return line.substring("listening on ".length()).trim();
                        }
                    }
                    return null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String address;
            try {
                address = listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
                throw new IllegalStateException("llama.cpp server did not start: " + e + "\n" + tail(log), e);
            }
            if (address == null) {
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("llama.cpp server exited before listening (exit "
                        + (process.isAlive() ? "?" : process.exitValue()) + "):\n" + tail(log));
            }
            return new LlamaCppServer(process, address, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the llama.cpp server", e);
        }
    }

    /** The OpenAI-style base URL, {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return address + "/v1";
    }

    /** The server root, {@code http://127.0.0.1:PORT}, for clients that append {@code /v1} themselves. */
    public String rootUrl() {
        return address;
    }

    /** The path of the GGUF model the server loads. */
    public static Path modelPath() {
        String cache = System.getenv("PROMPTOPT_CACHE");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "promptopt");
        return base.resolve("models").resolve(MODEL_FILE);
    }

    /** Stops the server: closing its standard input ends it; a server that hangs is killed. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path findScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts").resolve("llama-server.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("scripts/llama-server.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
