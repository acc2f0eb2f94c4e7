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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server that answers with scripted responses in order and records requests. Shared with the
 * provider modules' tests through this module's test jar. A reply with a delay is held until the server closes,
 * so a client with a shorter timeout times out whatever the machine's load; the delay documents how late the
 * answer would be.
 */
public final class ScriptedHttpServer implements AutoCloseable {
    public record Reply(int status, Map<String, String> headers, String body, long delayMillis) {
        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body, 0);
        }
    }

    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    public final List<Request> requests = new CopyOnWriteArrayList<>();

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

    public String baseUrl(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body));
        Reply r = replies.poll();
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
