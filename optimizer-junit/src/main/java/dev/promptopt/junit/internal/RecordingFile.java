package dev.promptopt.junit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.ChatMessage;
import dev.promptopt.InvalidInputException;
import dev.promptopt.ModelResponse;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.TokenUsage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recorded answers of one model, in a JSON file kept sorted by key so that re-recording gives small diffs.
 * Each answer carries the messages it answered, for reviewers. Thread-safe.
 */
public final class RecordingFile {
    public static final String FORMAT = "promptopt-recorded-answers/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private record Entry(List<ChatMessage> messages, ModelResponse response) {
    }

    private final Path path;
    private final String model;
    private final Map<String, Entry> entries = new TreeMap<>();

    private RecordingFile(Path path, String model) {
        this.path = path;
        this.model = model;
    }

    /** The file's answers, or none when it does not exist yet. */
    public static RecordingFile open(Path path, String model) {
        RecordingFile file = new RecordingFile(path, model);
        if (Files.exists(path)) {
            file.read();
        }
        return file;
    }

    /** SHA-256 over the model name and every message's role and content. */
    public static String key(String model, List<ChatMessage> messages) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, model);
            for (ChatMessage m : messages) {
                update(digest, m.role());
                update(digest, m.content());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    public Path path() {
        return path;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized ModelResponse get(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.response();
    }

    /** Adds or replaces one answer and writes the file (atomically replaced). */
    public synchronized void put(String key, List<ChatMessage> messages, ModelResponse response) {
        entries.put(key, new Entry(List.copyOf(messages), response));
        write();
    }

    private void read() {
        JsonNode root;
        try {
            root = JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new InvalidInputException(path + ": not a JSON recording: " + e.getMessage(), e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText(null))) {
            throw new InvalidInputException(path + ": field 'format' must be '" + FORMAT + "', found "
                    + (root == null ? "an empty file" : root.path("format")));
        }
        JsonNode answers = root.path("answers");
        if (!answers.isArray()) {
            throw new InvalidInputException(path + ": field 'answers' must be an array, found " + answers.getNodeType());
        }
        for (int i = 0; i < answers.size(); i++) {
            JsonNode a = answers.get(i);
            String where = path + ": answers[" + i + "]";
            String key = text(a, "key", where);
            List<ChatMessage> messages = new ArrayList<>();
            for (JsonNode m : a.path("messages")) {
                messages.add(new ChatMessage(text(m, "role", where + ".messages"), text(m, "content", where + ".messages")));
            }
            String recordedModel = a.path("model").asText(model);
            String expected = key(recordedModel, messages);
            if (!expected.equals(key)) {
                throw new InvalidInputException(where + ": field 'key' does not match its model and messages "
                        + "(expected " + expected + ", found " + key + "); the file was edited by hand");
            }
            TokenUsage usage = new TokenUsage(a.path("inputTokens").asLong(0), a.path("outputTokens").asLong(0),
                    a.path("unreportedCalls").asLong(0));
            entries.put(key, new Entry(messages, new ModelResponse(text(a, "text", where), usage,
                    a.path("answeredBy").asText(""))));
        }
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new InvalidInputException(where + ": field '" + field + "' must be a string, found "
                    + (v == null ? "nothing" : v.getNodeType()));
        }
        return v.asText();
    }

    private void write() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode answers = root.putArray("answers");
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            ObjectNode a = answers.addObject();
            a.put("key", e.getKey());
            a.put("model", model);
            ArrayNode messages = a.putArray("messages");
            for (ChatMessage m : e.getValue().messages()) {
                messages.addObject().put("role", m.role()).put("content", m.content());
            }
            ModelResponse r = e.getValue().response();
            a.put("text", r.text());
            a.put("inputTokens", r.usage().inputTokens());
            a.put("outputTokens", r.usage().outputTokens());
            if (!r.usage().complete()) { // the recorded answer's counts were not reported: replayed as such
                a.put("unreportedCalls", r.usage().unreportedCalls());
            }
            a.put("answeredBy", r.model());
        }
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(path.getFileName() + ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new PromptOptimizerException("could not write the recording " + path + ": " + e, e);
        }
    }
}
