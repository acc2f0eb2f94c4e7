package dev.promptopt.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.promptopt.mlflow.internal.MlflowRest;
import dev.promptopt.mlflow.internal.RunSender;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The background sender against a stub server that fails when told: nothing is lost, nothing is sent twice. */
class RunSenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer stub;
    private final List<JsonNode> batches = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();

    @AfterEach
    void stop() {
        if (stub != null) {
            stub.stop(0);
        }
    }

    private MlflowRest server() throws Exception {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean fail = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            if (!fail) {
                batches.add(JSON.readTree(body));
            }
            byte[] out = (fail ? "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\", \"message\": \"busy\"}" : "{}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 503 : 200, out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        stub.start();
        return new MlflowRest(MlflowConnection.builder("http://127.0.0.1:" + stub.getAddress().getPort())
                .maxAttempts(1).initialBackoff(Duration.ofMillis(1)).build());
    }

    private List<String> sentPoints() {
        List<String> points = new CopyOnWriteArrayList<>();
        for (JsonNode b : batches) {
            b.path("metrics").forEach(m -> points.add(m.path("key").asText() + "@" + m.path("step").asLong()));
        }
        return points;
    }

    @Test
    void pointsSurviveAServerThatFailsAndReachItOnceEachInBatches() throws Exception {
        RunSender sender = new RunSender(server(), "run-1");
        failNext.set(3); // the first attempts fail with a retriable 503; flush asks again until they pass
        sender.known("eval_score", 0); // already on the server (a continued run)
        for (int step = 0; step < 1500; step++) {
            sender.metric("eval_score", step / 1500.0, step);
        }
        sender.metric("eval_score", 0.99, 7); // the same point again: ignored
        while (true) {
            try {
                sender.flush();
                break;
            } catch (MlflowException e) {
                assertThat(e.retriable()).isTrue(); // each failed attempt is reported; the items stay queued
            }
        }
        sender.close();

        List<String> points = sentPoints();
        assertThat(points).hasSize(1499).doesNotHaveDuplicates().doesNotContain("eval_score@0");
        assertThat(batches).allSatisfy(b -> assertThat(b.path("metrics").size()).isLessThanOrEqualTo(1000));
        assertThatThrownBy(() -> sender.metric("late", 1, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has finished");
    }
}
