package dev.promptopt.mlflow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.promptopt.mlflow.MlflowConnection;
import dev.promptopt.mlflow.MlflowException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which MLflow calls are sent again after a failure: a fault-injecting loopback server answers each path from a
 * script (a status, or a dropped connection after the request arrived) and counts the requests it received.
 */
class MlflowRestRetryTest {
    private static final int DROP = -1;
    private static final String API = "/api/2.0/mlflow/";

    private HttpServer server;
    private final Map<String, ConcurrentLinkedQueue<int[]>> script = new ConcurrentHashMap<>();
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** Scripts the answers to a path, in order: an HTTP status, or {@link #DROP}; then 200 with an empty object. */
    private void script(String path, int... statuses) {
        ConcurrentLinkedQueue<int[]> q = script.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>());
        for (int s : statuses) {
            q.add(new int[] {s});
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        received.add(exchange.getRequestMethod() + " " + path);
        int[] next = script.getOrDefault(path, new ConcurrentLinkedQueue<>()).poll();
        int status = next == null ? 200 : next[0];
        if (status == DROP) {
            exchange.close(); // the request arrived; the answer never leaves
            return;
        }
        byte[] body = (status == 200 ? "{\"run\": {\"info\": {\"run_id\": \"r1\"}}}"
                : "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\", \"message\": \"try later\"}").getBytes(StandardCharsets.UTF_8);
        if (status == 429) {
            exchange.getResponseHeaders().add("Retry-After", "0");
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private MlflowRest rest(String uri) {
        return new MlflowRest(MlflowConnection.builder(uri).maxAttempts(3).initialBackoff(Duration.ofMillis(1)).build());
    }

    private MlflowRest rest() {
        return rest("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private long count(String call) {
        return received.stream().filter(call::equals).count();
    }

    @Test
    void aRunCreationIsNotSentAgainAfterAServerError() {
        script(API + "runs/create", 503);

        assertThatThrownBy(() -> rest().post(API + "runs/create", MlflowRest.object().put("experiment_id", "1")))
                .isInstanceOfSatisfying(MlflowException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.statusCode()).isEqualTo(503);
                })
                .hasMessageContaining("POST /api/2.0/mlflow/runs/create with HTTP 503")
                .hasMessageContaining("not sent again")
                .hasMessageContaining("not idempotent");
        assertThat(count("POST " + API + "runs/create")).isEqualTo(1);
    }

    @Test
    void aPromptVersionCreationIsNotSentAgainAfterAServerError() {
        script(API + "model-versions/create", 500, 502);

        assertThatThrownBy(() -> rest().post(API + "model-versions/create", MlflowRest.object().put("name", "p")))
                .isInstanceOf(MlflowException.class).hasMessageContaining("HTTP 500");
        assertThat(count("POST " + API + "model-versions/create")).isEqualTo(1);
    }

    @Test
    void aCreationDroppedAfterItReachedTheServerIsNotSentAgain() {
        script(API + "runs/create", DROP);

        assertThatThrownBy(() -> rest().post(API + "runs/create", MlflowRest.object()))
                .isInstanceOfSatisfying(MlflowException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageContaining("not sent again");
        assertThat(count("POST " + API + "runs/create")).isEqualTo(1);
    }

    @Test
    void aRateLimitedCreationIsSentAgainBecauseTheServerDidNotActOnIt() {
        script(API + "runs/create", 429);

        assertThat(rest().post(API + "runs/create", MlflowRest.object()).path("run").path("info").path("run_id").asText())
                .isEqualTo("r1");
        assertThat(count("POST " + API + "runs/create")).isEqualTo(2);
    }

    @Test
    void aCreationIsSentAgainWhenNoConnectionWasMade() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        assertThatThrownBy(() -> rest("http://127.0.0.1:" + port).post(API + "runs/create", MlflowRest.object()))
                .isInstanceOfSatisfying(MlflowException.class, e -> assertThat(e.retriable()).isTrue())
                .hasMessageContaining("connection refused")
                .hasMessageContaining("[3 attempts]");
    }

    @Test
    void idempotentCallsAreSentAgainAfterServerErrorsAndDroppedAnswers() {
        script(API + "runs/search", 503, DROP);
        script(API + "runs/log-batch", 500);
        script(API + "experiments/get", 502, 504);
        script(API + "registered-models/alias", 503);

        rest().post(API + "runs/search", MlflowRest.object());
        rest().post(API + "runs/log-batch", MlflowRest.object());
        rest().get(API + "experiments/get", Map.of("experiment_id", "1"));
        rest().post(API + "registered-models/alias", MlflowRest.object());

        assertThat(count("POST " + API + "runs/search")).isEqualTo(3);
        assertThat(count("POST " + API + "runs/log-batch")).isEqualTo(2);
        assertThat(count("GET " + API + "experiments/get")).isEqualTo(3);
        assertThat(count("POST " + API + "registered-models/alias")).isEqualTo(2);
    }

    @Test
    void aPermanentStatusIsNotSentAgainEvenWhenIdempotent() {
        script(API + "runs/search", 409);

        assertThatThrownBy(() -> rest().post(API + "runs/search", MlflowRest.object()))
                .isInstanceOfSatisfying(MlflowException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageNotContaining("not sent again");
        assertThat(count("POST " + API + "runs/search")).isEqualTo(1);
    }

    @Test
    void eachCallIsMarkedIdempotentOrNot() {
        assertThat(MlflowRest.idempotent("POST", API + "runs/create")).isFalse();
        assertThat(MlflowRest.idempotent("POST", API + "model-versions/create")).isFalse();
        assertThat(MlflowRest.idempotent("POST", "/api/3.0/mlflow/datasets/create")).isFalse();
        assertThat(MlflowRest.idempotent("POST", "/api/3.0/mlflow/traces")).isFalse();
        assertThat(MlflowRest.idempotent("POST", "/v1/traces")).isFalse();
        assertThat(MlflowRest.idempotent("PATCH", API + "runs/update")).isFalse();
        assertThat(MlflowRest.idempotent("POST", API + "runs/search")).isTrue();
        assertThat(MlflowRest.idempotent("POST", API + "runs/log-batch")).isTrue();
        assertThat(MlflowRest.idempotent("POST", API + "registered-models/create")).isTrue();
        assertThat(MlflowRest.idempotent("POST", "/api/3.0/mlflow/datasets/d-123/records")).isTrue();
        assertThat(MlflowRest.idempotent("POST", "/api/3.0/mlflow/traces/search")).isTrue();
        assertThat(MlflowRest.idempotent("GET", API + "runs/create?x=1")).isTrue();
        assertThat(MlflowRest.idempotent("PUT", "/api/2.0/mlflow-artifacts/artifacts/x")).isTrue();
        assertThat(MlflowRest.idempotent("DELETE", "/api/3.0/mlflow/datasets/d-1")).isTrue();
    }
}
