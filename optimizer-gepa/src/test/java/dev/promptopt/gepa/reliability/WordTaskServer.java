package dev.promptopt.gepa.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A local OpenAI-compatible chat server for the {@link WordTask}, with seeded fault injection and exact call
 * accounting. Binds 127.0.0.1 on a free port.
 *
 * <p>Faults are decided per request from a hash of (seed, request body, how many times that body was seen
 * before), so the schedule is the same whatever the thread timing: a retry of a request is a new draw. A fault
 * is a 429 with {@code Retry-After: 0}, a 500, a 503, or a hang (no answer until the server closes, far past the
 * client's timeout), a quarter each.
 *
 * <p>A {@linkplain #onRequest trigger} sees every request's arrival number; {@link #freeze()} holds every answer
 * not yet written (so a process killed meanwhile receives none of them), {@link #thaw()} lets them go.
 */
final class WordTaskServer implements AutoCloseable {
    enum Fault { RATE_LIMITED, SERVER_ERROR, UNAVAILABLE, HANG }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "word-task-server");
        t.setDaemon(true);
        return t;
    });
    private final long seed;
    private final double faultRate;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Object lock = new Object();

    // guarded by lock
    private final Map<String, Integer> seen = new HashMap<>();
    private final Map<String, Integer> answered = new HashMap<>();
    private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    private final List<String> reflectionPrompts = new ArrayList<>();
    private int requests;
    private int answeredTask;
    private int answeredReflection;
    private int repeated;
    private int resent;
    private int inFlight;
    private boolean lastAnsweredReflection;
    private boolean frozen;
    private long generation;
    private volatile IntConsumer onRequest = n -> { };

    WordTaskServer(long seed, double faultRate) throws IOException {
        this.seed = seed;
        this.faultRate = faultRate;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Called with the arrival number (1-based, over the server's life) of every chat request, on its thread. */
    void onRequest(IntConsumer trigger) {
        this.onRequest = trigger;
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        if (!ex.getRequestURI().getPath().endsWith("/chat/completions")) {
            send(ex, 404, "{\"error\":{\"message\":\"not found\"}}", null);
            return;
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        JsonNode req = JSON.readTree(body);
        String model = req.path("model").asText();
        List<String> contents = new ArrayList<>();
        for (JsonNode m : req.path("messages")) {
            contents.add(content(m.path("content")));
        }
        boolean reflection = model.endsWith(WordTask.REFLECTOR);
        int n;
        Fault fault;
        synchronized (lock) {
            n = ++requests;
            int occurrence = seen.merge(body, 1, Integer::sum);
            if (occurrence > 1) {
                resent++; // this exact request was received before: the call is made again
            }
            fault = fault(body, occurrence);
            if (fault != null) {
                faults.merge(fault, 1, Integer::sum);
            }
            inFlight++;
        }
        onRequest.accept(n);
        if (fault != null) {
            try {
                switch (fault) {
                    case RATE_LIMITED -> send(ex, 429, "{\"error\":{\"message\":\"rate limited\",\"type\":\"rate_limit\"}}", "0");
                    case SERVER_ERROR -> send(ex, 500, "{\"error\":{\"message\":\"internal error\"}}", null);
                    case UNAVAILABLE -> send(ex, 503, "{\"error\":{\"message\":\"overloaded\"}}", null);
                    case HANG -> {
                        try {
                            closed.await(30, TimeUnit.SECONDS); // the client gives up long before
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        ex.close();
                    }
                }
            } finally {
                synchronized (lock) {
                    inFlight--;
                }
            }
            return;
        }
        String text = reflection ? WordTask.reflectorAnswer(contents.get(contents.size() - 1))
                : WordTask.targetAnswer(String.join("\n", contents));
        synchronized (lock) {
            long heldIn = generation;
            while (frozen) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            inFlight--;
            if (generation != heldIn) { // held while its client was killed: never answered
                ex.close();
                return;
            }
            if (answered.merge(body, 1, Integer::sum) > 1) {
                repeated++; // this exact call was answered before: made twice
            }
            if (reflection) {
                answeredReflection++;
                reflectionPrompts.add(contents.get(contents.size() - 1));
            } else {
                answeredTask++;
            }
            lastAnsweredReflection = reflection;
        }
        ObjectNode resp = JSON.createObjectNode();
        resp.put("id", "chatcmpl-test");
        resp.put("object", "chat.completion");
        resp.put("created", 0);
        resp.put("model", model);
        ObjectNode choice = resp.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", "stop");
        resp.putObject("usage").put("prompt_tokens", body.length() / 4 + 1).put("completion_tokens", text.length() / 4 + 1)
                .put("total_tokens", body.length() / 4 + text.length() / 4 + 2);
        try {
            send(ex, 200, JSON.writeValueAsString(resp), null);
        } catch (IOException clientGone) {
            // the client was killed or gave up: nothing to answer
        }
    }

    private Fault fault(String body, int occurrence) {
        if (faultRate <= 0) {
            return null;
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((seed + ":" + occurrence + ":").getBytes(StandardCharsets.UTF_8));
            byte[] h = md.digest(body.getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(h).getLong();
            double u = (bits >>> 11) * 0x1.0p-53;
            return u < faultRate ? Fault.values()[h[8] & 3] : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String content(JsonNode c) {
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            c.forEach(p -> sb.append(p.path("text").asText("")));
            return sb.toString();
        }
        return c.asText("");
    }

    private static void send(HttpExchange ex, int status, String json, String retryAfter) throws IOException {
        byte[] data = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        if (retryAfter != null) {
            ex.getResponseHeaders().add("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(status, data.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(data);
        }
    }

    /** Holds every answer not yet written until {@link #thaw()}. */
    void freeze() {
        synchronized (lock) {
            frozen = true;
        }
    }

    void thaw() {
        synchronized (lock) {
            frozen = false;
            lock.notifyAll();
        }
    }

    /** Lets the held answers go unanswered (their client is dead) and answers normally again. */
    void thawDiscardingHeld() {
        synchronized (lock) {
            generation++;
            frozen = false;
            lock.notifyAll();
        }
    }

    /**
     * Counters at one moment, consistent with each other. {@code repeated}: answers to a request answered before;
     * {@code resent}: requests received before (answered or not), i.e. calls made again;
     * {@code lastAnsweredReflection}: whether the last answer given was a reflection model's.
     */
    record Stats(int requests, int answeredTask, int answeredReflection, int repeated, int inFlight,
                 Map<Fault, Integer> faults, List<String> reflectionPrompts, int distinctAnswered, int resent,
                 boolean lastAnsweredReflection) {
        int faultsInjected() {
            return faults.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    Stats stats() {
        synchronized (lock) {
            return new Stats(requests, answeredTask, answeredReflection, repeated, inFlight, new EnumMap<>(faults),
                    List.copyOf(reflectionPrompts), answered.size(), resent, lastAnsweredReflection);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        thaw();
        server.stop(0);
        executor.shutdownNow();
    }
}
