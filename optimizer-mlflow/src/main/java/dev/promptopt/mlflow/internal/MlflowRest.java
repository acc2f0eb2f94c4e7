package dev.promptopt.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.mlflow.MlflowConnection;
import dev.promptopt.mlflow.MlflowException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's REST API over {@link HttpClient}: JSON in and out, errors mapped to {@link MlflowException} in
 * one place, retries with exponential backoff on connection errors, 5xx and 429. Not public API.
 */
public final class MlflowRest {
    private static final Logger log = LoggerFactory.getLogger(MlflowRest.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final MlflowConnection connection;
    private final HttpClient http;
    private final String server;

    public MlflowRest(MlflowConnection connection) {
        this.connection = connection;
        this.http = HttpClient.newBuilder().connectTimeout(connection.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.server = connection.trackingUri().toString();
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public MlflowConnection connection() {
        return connection;
    }

    /** The server, for messages. */
    public String server() {
        return server;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** GET {@code path} (e.g. {@code /api/2.0/mlflow/experiments/get}) with query parameters. */
    public JsonNode get(String path, Map<String, ?> query) {
        return json(send("GET", path + queryString(query), null, "application/json"), "GET " + path);
    }

    public JsonNode post(String path, JsonNode body) {
        return json(send("POST", path, bytes(body), "application/json"), "POST " + path);
    }

    public JsonNode patch(String path, JsonNode body) {
        return json(send("PATCH", path, bytes(body), "application/json"), "PATCH " + path);
    }

    public JsonNode delete(String path, JsonNode body) {
        return json(send("DELETE", path, body == null ? null : bytes(body), "application/json"), "DELETE " + path);
    }

    /** Raw bytes of a GET (artifact download). */
    public byte[] getBytes(String path) {
        return send("GET", path, null, null);
    }

    /** PUT raw bytes (artifact upload). */
    public void put(String path, byte[] content, String contentType) {
        send("PUT", path, content, contentType);
    }

    /** POST raw bytes with a content type and extra headers; returns the body. */
    public byte[] postBytes(String path, byte[] content, String contentType, Map<String, String> headers) {
        return send("POST", path, content, contentType, headers);
    }

    public static String queryString(Map<String, ?> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        return "?" + query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> enc(e.getKey()) + "=" + enc(String.valueOf(e.getValue())))
                .collect(Collectors.joining("&"));
    }

    /** Encodes each segment of a relative path, keeping the slashes. */
    public static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(enc(segment).replace("+", "%20"));
        }
        return sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(JsonNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private JsonNode json(byte[] body, String call) {
        if (body.length == 0) {
            return MAPPER.createObjectNode();
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            if (isHtml(body)) {
                throw new MlflowException("the server at " + server + " is not MLflow: it answered " + call
                        + " with an HTML page" + title(body) + " instead of MLflow's JSON (a web page, a login page or a"
                        + " proxy answers this tracking URI; point it at the MLflow tracking server)", 200, NOT_MLFLOW, false, e);
            }
            throw new MlflowException("the server at " + server + " is not MLflow: it answered " + call
                    + " with a body that is not JSON: " + snippet(body), 200, NOT_MLFLOW, false, e);
        }
    }

    private byte[] send(String method, String path, byte[] body, String contentType) {
        return send(method, path, body, contentType, Map.of());
    }

    private byte[] send(String method, String path, byte[] body, String contentType, Map<String, String> headers) {
        String call = method + " " + stripQuery(path);
        URI uri = URI.create(server + path);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(connection.requestTimeout())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null && body != null) {
            rb.header("Content-Type", contentType);
        }
        headers.forEach(rb::header);
        String auth = connection.authorizationHeader();
        if (auth != null) {
            rb.header("Authorization", auth);
        }
        HttpRequest request = rb.build();
        Duration backoff = connection.initialBackoff();
        MlflowException last = null;
        for (int attempt = 1; attempt <= connection.maxAttempts(); attempt++) {
            if (attempt > 1) {
                log.debug("retrying {} (attempt {} of {}) after {}: {}", call, attempt, connection.maxAttempts(), backoff,
                        last.getMessage());
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return response.body();
                }
                last = error(call, status, response.body());
                if (!last.retriable()) {
                    throw last;
                }
            } catch (IOException e) {
                last = MlflowException.unreachable(server, call, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlflowException("interrupted while calling MLflow at " + server + " (" + call + ")", 0, "", false, e);
            }
        }
        if (connection.maxAttempts() > 1 && last.statusCode() == 0) {
            throw new MlflowException(last.getMessage() + " [" + connection.maxAttempts() + " attempts]", 0, "", true, last.getCause());
        }
        throw last;
    }

    /** The error code of failures that show the server is not MLflow's REST API (no MLflow error in the answer). */
    public static final String NOT_MLFLOW = "NOT_MLFLOW";

    private MlflowException error(String call, int status, byte[] body) {
        String errorCode = "";
        String message = snippet(body);
        boolean json = false;
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                json = true;
                errorCode = node.path("error_code").asText("");
                if (node.hasNonNull("message")) {
                    message = node.get("message").asText();
                }
            }
        } catch (IOException ignored) {
            // Not JSON (a proxy's HTML page, a plain-text error): the snippet is the message.
        }
        if (status == 401 || status == 403) {
            // The server's own words ("User 'bob' does not have permission ...") say what is wrong; never a secret.
            String said = message.isBlank() || isHtml(body) ? "" : ": the server says \"" + message + "\"";
            return new MlflowException("MLflow at " + server + " refused " + call + " with HTTP " + status
                    + (status == 401 ? " (not authenticated)" : " (not allowed)") + said + "; sent " + connection.describeAuth()
                    + ": check " + MlflowConnection.ENV_TOKEN + " or " + MlflowConnection.ENV_USERNAME + "/"
                    + MlflowConnection.ENV_PASSWORD + (status == 403 ? " and the user's permissions" : ""),
                    status, errorCode, false, null);
        }
        if (status == 404 && errorCode.isEmpty()) {
            // MLflow answers a missing resource with a JSON error code; anything else means nothing MLflow is there.
            String what = isHtml(body) ? "an HTML page" + title(body) : json ? "JSON without an MLflow error code (" + snippet(body) + ")"
                    : "'" + snippet(body) + "'";
            return new MlflowException("the server at " + server + " has no MLflow REST API at " + stripQuery(call.substring(call.indexOf(' ') + 1))
                    + ": " + call + " answered HTTP 404 with " + what + ". Check the tracking URI (scheme, host, port and any"
                    + " path prefix): it must be the MLflow tracking server itself", status, NOT_MLFLOW, false, null);
        }
        boolean retriable = status >= 500 || status == 429;
        return new MlflowException("MLflow at " + server + " failed " + call + " with HTTP " + status
                + (errorCode.isEmpty() ? "" : " " + errorCode) + ": " + message, status, errorCode, retriable, null);
    }

    private static boolean isHtml(byte[] body) {
        String start = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).stripLeading()
                .toLowerCase(java.util.Locale.ROOT);
        return start.startsWith("<!doctype html") || start.startsWith("<html") || start.startsWith("<head")
                || start.startsWith("<title") || start.startsWith("<!--");
    }

    /** {@code " ('Not Found')"} from an HTML page's title, or empty. */
    private static String title(byte[] body) {
        String html = new String(body, StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?is)<title[^>]*>(.*?)</title>").matcher(html);
        if (!m.find()) {
            return "";
        }
        String t = m.group(1).strip().replaceAll("\\s+", " ");
        return t.isEmpty() ? "" : " ('" + (t.length() > 80 ? t.substring(0, 80) + "..." : t) + "')";
    }

    private static String stripQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static String snippet(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).strip();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlflowException("interrupted while waiting to retry an MLflow call", 0, "", false, e);
        }
    }

    /** A query map that keeps insertion order and skips nulls when written. */
    public static Map<String, Object> query(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
