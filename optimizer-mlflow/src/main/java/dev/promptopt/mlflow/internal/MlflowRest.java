package dev.promptopt.mlflow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.HttpRetryRules;
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
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's REST API over {@link HttpClient}: JSON in and out, errors mapped to {@link MlflowException} in
 * one place, retries with exponential backoff (or the server's {@code Retry-After}) on the statuses
 * {@link HttpRetryRules} calls retriable. Only idempotent calls are retried on a retriable status or a failure
 * after the request may have reached the server ({@link #idempotent}); a call that creates something is sent again
 * only on 429 or when no connection was made, so a 5xx can never create a second run or prompt version.
 * Not public API.
 */
public final class MlflowRest {
    private static final Logger log = LoggerFactory.getLogger(MlflowRest.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The longest {@code Retry-After} honoured; a longer hint waits this long. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
    private static final Pattern API_PREFIX = Pattern.compile("^/api/\\d+\\.\\d+/mlflow/");
    /**
     * POST calls that are safe to repeat: reads (searches), upserts (tags, aliases, dataset records, a run's status)
     * and {@code runs/log-batch} and {@code runs/log-inputs}, which MLflow's stores de-duplicate (an identical metric
     * point, parameter or dataset input is kept once). {@code experiments/create} and {@code registered-models/create}
     * take unique names: a repeat answers RESOURCE_ALREADY_EXISTS, which their callers resolve by looking the name up.
     * Every other POST ({@code runs/create}, {@code model-versions/create}, {@code datasets/create}, trace uploads)
     * could act twice and is not repeated after the request may have reached the server.
     */
    private static final Set<String> IDEMPOTENT_POSTS = Set.of(
            "runs/search", "runs/log-batch", "runs/log-inputs", "runs/set-tag", "runs/update",
            "experiments/create", "registered-models/create", "registered-models/set-tag", "registered-models/alias",
            "traces/search", "traces/link-prompts", "datasets/search", "datasets/*/records");

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

    /**
     * Whether sending a call twice has the effect of sending it once: GET, PUT and DELETE always; a POST when its
     * endpoint (the path after {@code /api/<version>/mlflow/}, a dataset id read as {@code *}) is one of
     * {@link #IDEMPOTENT_POSTS}.
     */
    public static boolean idempotent(String method, String path) {
        if (HttpRetryRules.idempotentMethod(method)) {
            return true;
        }
        if (!method.equalsIgnoreCase("POST")) {
            return false;
        }
        String endpoint = API_PREFIX.matcher(stripQuery(path)).replaceFirst("");
        String[] parts = endpoint.split("/");
        if (parts.length == 3 && parts[0].equals("datasets") && parts[2].equals("records")) {
            endpoint = "datasets/*/records";
        }
        return IDEMPOTENT_POSTS.contains(endpoint);
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
        boolean idempotent = idempotent(method, path);
        Duration backoff = connection.initialBackoff();
        Duration wait = backoff;
        MlflowException last = null;
        for (int attempt = 1; attempt <= connection.maxAttempts(); attempt++) {
            if (attempt > 1) {
                log.debug("retrying {} (attempt {} of {}) after {}: {}", call, attempt, connection.maxAttempts(), wait,
                        last.getMessage());
                sleep(wait);
                backoff = backoff.multipliedBy(2);
            }
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return response.body();
                }
                last = error(call, status, response.body(), idempotent);
                if (!last.retriable()) {
                    throw last;
                }
                Optional<Duration> hint = HttpRetryRules.retryAfter(response.headers().firstValue("Retry-After").orElse(null));
                wait = hint.map(h -> h.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : h).orElse(backoff);
            } catch (IOException e) {
                last = MlflowException.unreachable(server, call, e);
                wait = backoff;
                if (!idempotent && !neverSent(e)) {
                    throw new MlflowException(last.getMessage() + notSentAgain(call), 0, "", false, e);
                }
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

    private static String notSentAgain(String call) {
        return "; not sent again: " + call + " is not idempotent and the server may have acted on it"
                + " (look for what it created before trying again)";
    }

    /** Whether an I/O failure happened before the request left: no connection was ever made. */
    private static boolean neverSent(IOException e) {
        return e instanceof java.net.ConnectException || e instanceof java.net.http.HttpConnectTimeoutException
                || e.getCause() instanceof java.net.ConnectException
                || e.getCause() instanceof java.nio.channels.UnresolvedAddressException;
    }

    /** The error code of failures that show the server is not MLflow's REST API (no MLflow error in the answer). */
    public static final String NOT_MLFLOW = "NOT_MLFLOW";

    private MlflowException error(String call, int status, byte[] body, boolean idempotent) {
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
        boolean retriable = HttpRetryRules.retriable(status, idempotent);
        String notRepeated = !retriable && HttpRetryRules.retriable(status) ? notSentAgain(call) : "";
        return new MlflowException("MLflow at " + server + " failed " + call + " with HTTP " + status
                + (errorCode.isEmpty() ? "" : " " + errorCode) + ": " + message + notRepeated, status, errorCode, retriable, null);
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
