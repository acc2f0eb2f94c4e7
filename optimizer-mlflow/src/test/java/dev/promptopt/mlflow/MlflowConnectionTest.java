package dev.promptopt.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connection settings and the failure modes of the HTTP layer: an unreachable server, authentication
 * refused, transient 5xx. A tiny local HTTP server plays the failing proxy; MLflow itself is tested elsewhere.
 */
class MlflowConnectionTest {
    private HttpServer stub;

    @AfterEach
    void stopStub() {
        if (stub != null) {
            stub.stop(0);
        }
    }

    private String stub(int status, String body, List<String> authHeaders, AtomicInteger calls, int failFirst) throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/", exchange -> {
            authHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            int n = calls.incrementAndGet();
            int code = n <= failFirst ? status : 200;
            byte[] bytes = (n <= failFirst ? body : "{\"registered_models\": []}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        stub.start();
        return "http://127.0.0.1:" + stub.getAddress().getPort();
    }

    @Test
    void anUnreachableServerIsNamedWithConnectionRefused() throws Exception {
        String uri = "http://127.0.0.1:" + MlflowServer.freePort();
        MlflowPromptRegistry registry = new MlflowPromptRegistry(MlflowConnection.builder(uri).maxAttempts(2)
                .initialBackoff(Duration.ofMillis(10)).build());

        assertThatThrownBy(() -> registry.load("prompts:/sentiment/1"))
                .isInstanceOf(MlflowException.class)
                .hasMessageStartingWith("cannot reach MLflow at " + uri + ": connection refused")
                .hasMessageContaining("[2 attempts]");
    }

    @Test
    void refusedAuthenticationNamesTheEnvironmentVariablesButNeverTheSecret() throws Exception {
        List<String> auth = new CopyOnWriteArrayList<>();
        String uri = stub(401, "{\"error_code\": \"UNAUTHENTICATED\", \"message\": \"bad token\"}", auth, new AtomicInteger(), 99);
        MlflowConnection connection = MlflowConnection.fromEnvironment(Map.of(
                "MLFLOW_TRACKING_URI", uri, "MLFLOW_TRACKING_TOKEN", "s3cr3t-token"));

        assertThatThrownBy(() -> MlflowPromptRegistry.of(uri).search(""))
                .isInstanceOf(MlflowException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("no credentials");
        assertThatThrownBy(() -> new MlflowPromptRegistry(connection).search(""))
                .isInstanceOf(MlflowException.class)
                .hasMessageContaining("refused GET /api/2.0/mlflow/registered-models/search with HTTP 401")
                .hasMessageContaining("MLFLOW_TRACKING_TOKEN")
                .hasMessageContaining("MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-token"))
                .satisfies(e -> assertThat(((MlflowException) e).retriable()).isFalse());
        assertThat(auth).contains("Bearer s3cr3t-token");
        assertThat(connection.toString()).doesNotContain("s3cr3t-token");
    }

    @Test
    void basicAuthFromTheEnvironmentWinsOverATokenAsInPython() throws Exception {
        List<String> auth = new CopyOnWriteArrayList<>();
        String uri = stub(200, "{}", auth, new AtomicInteger(), 0);
        MlflowConnection connection = MlflowConnection.fromEnvironment(Map.of("MLFLOW_TRACKING_URI", uri,
                "MLFLOW_TRACKING_USERNAME", "ana", "MLFLOW_TRACKING_PASSWORD", "pw", "MLFLOW_TRACKING_TOKEN", "t"));

        new MlflowPromptRegistry(connection).search("");

        assertThat(auth).containsExactly("Basic " + java.util.Base64.getEncoder().encodeToString("ana:pw".getBytes(StandardCharsets.UTF_8)));
        assertThat(connection.describeAuth()).contains("'ana'").doesNotContain("pw'");
    }

    @Test
    void transientServerErrorsAreRetriedWithBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String uri = stub(503, "busy", new CopyOnWriteArrayList<>(), calls, 2);
        MlflowConnection connection = MlflowConnection.builder(uri).maxAttempts(3).initialBackoff(Duration.ofMillis(10)).build();

        assertThat(new MlflowPromptRegistry(connection).search("")).isEmpty();
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aPermanentErrorIsNotRetriedAndCarriesMlflowsErrorCode() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String uri = stub(400, "{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": \"bad filter\"}",
                new CopyOnWriteArrayList<>(), calls, 99);

        assertThatThrownBy(() -> MlflowPromptRegistry.of(uri).search(""))
                .isInstanceOf(MlflowException.class)
                .hasMessageContaining("HTTP 400 INVALID_PARAMETER_VALUE: bad filter")
                .satisfies(e -> assertThat(((MlflowException) e).errorCode()).isEqualTo("INVALID_PARAMETER_VALUE"));
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void configurationErrorsAreClear() {
        assertThatThrownBy(() -> MlflowConnection.fromEnvironment(Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("MLFLOW_TRACKING_URI is not set");
        assertThatThrownBy(() -> MlflowConnection.of("databricks"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("invalid MLflow tracking URI 'databricks'");
        assertThatThrownBy(() -> MlflowConnection.builder("http://h").token("t").basicAuth("u", "p").build())
                .isInstanceOf(IllegalStateException.class);
        assertThat(MlflowConnection.of("http://127.0.0.1:5000/").trackingUri().toString()).isEqualTo("http://127.0.0.1:5000");
        assertThat(PromptNotFoundException.class).isAssignableTo(InvalidInputException.class);
    }

    @Test
    void aTrackingUriAnsweredByA404PageSaysSoInsteadOfReportingAMissingPrompt() throws Exception {
        String uri = stub(404, "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>nothing</body></html>",
                new CopyOnWriteArrayList<>(), new AtomicInteger(), 99);

        assertThatThrownBy(() -> MlflowPromptRegistry.of(uri).load("prompts:/support/1"))
                .isInstanceOf(MlflowException.class)
                .hasMessageContaining("the server at " + uri + " has no MLflow REST API at /api/2.0/mlflow/")
                .hasMessageContaining("HTTP 404 with an HTML page ('404 Not Found')")
                .hasMessageContaining("Check the tracking URI")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("no prompt"));
    }

    @Test
    void aRefusalShowsTheServersOwnMessage() throws Exception {
        String uri = stub(403, "{\"error_code\": \"PERMISSION_DENIED\", \"message\": \"User 'bob' does not have "
                + "permission to READ registered model 'support'.\"}", new CopyOnWriteArrayList<>(), new AtomicInteger(), 99);
        MlflowConnection bob = MlflowConnection.builder(uri).basicAuth("bob", "pw").build();

        assertThatThrownBy(() -> new MlflowPromptRegistry(bob).load("prompts:/support/1"))
                .isInstanceOf(MlflowException.class)
                .hasMessageContaining("with HTTP 403 (not allowed): the server says \"User 'bob' does not have permission"
                        + " to READ registered model 'support'.\"")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
    }

    @Test
    void aServerThatIsNotMlflowIsNamedAsSuch() throws Exception {
        String html = stub(200, "<html><head><title>Sign in</title></head></html>", new CopyOnWriteArrayList<>(),
                new AtomicInteger(), 99);
        assertThatThrownBy(() -> MlflowPromptRegistry.of(html).search(""))
                .isInstanceOf(MlflowException.class)
                .hasMessageContaining("the server at " + html + " is not MLflow: it answered GET "
                        + "/api/2.0/mlflow/registered-models/search with an HTML page ('Sign in')");
        stub.stop(0);
        String other = stub(404, "{\"detail\": \"Not Found\"}", new CopyOnWriteArrayList<>(), new AtomicInteger(), 99);
        assertThatThrownBy(() -> MlflowPromptRegistry.of(other).load("prompts:/support/1"))
                .isInstanceOf(MlflowException.class)
                .hasMessageContaining("has no MLflow REST API")
                .hasMessageContaining("JSON without an MLflow error code ({\"detail\": \"Not Found\"})");
    }
}
