package dev.promptopt.langchain4j;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A loopback HTTP server that answers with scripted responses in order and records requests. Shared with the
 * provider modules' tests through this module's test jar. A reply with a delay is held until the server closes,
 * so a client with a shorter timeout times out whatever the machine's load; the delay documents how late the
 * answer would be.
 *
 * <p>A server can also {@linkplain #validating check each request} the way the provider it stands in for would, and
 * reject a malformed one with 400 before any scripted reply is used, so a test's answer proves the request was
 * well-formed.
 */
public final class ScriptedHttpServer implements AutoCloseable {
    public record Reply(int status, Map<String, String> headers, String body, long delayMillis) {
        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body, 0);
        }
    }

    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        /** The first value of a header, whatever its case, or null when absent. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, String> problem = r -> null;

    public ScriptedHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public ScriptedHttpServer reply(Reply r) {
        replies.add(r);
        return this;
    }

    /**
     * Checks every request before answering: {@code check} returns what is wrong with a request, or null when it
     * is well-formed. A malformed request is answered 400 with the problem in the body and uses no scripted reply.
     */
    public ScriptedHttpServer validating(Function<Request, String> check) {
        this.problem = Objects.requireNonNull(check, "check");
        return this;
    }

    public String baseUrl(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                Map.copyOf(ex.getRequestHeaders()), body);
        requests.add(request);
        String wrong = problem.apply(request);
        Reply r = wrong != null ? Reply.json(400, "{\"error\":\"malformed request: " + wrong.replace("\"", "'") + "\"}")
                : replies.poll();
        if (r == null) {
            r = Reply.json(599, "{\"error\":\"no scripted reply left\"}");
        }
        try {
            if (r.delayMillis() > 0) {
                closed.await(); // later than any timeout the client has
            }
            byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
            r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // the client timed out and closed the connection: expected in timeout tests
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
