package dev.promptopt.managed;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.ChatMessage;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptTemplate;
import dev.promptopt.core.io.JsonSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A folder for managed-run tests: an embedded registry holding {@code qa} v1 (SAP-style chat: system
 * "Repeat the text.", user "Text: {{?text}}"), a SAP dataset in a local store {@code data}, and a configuration
 * for two scripted target models that the hill-climb optimizer improves with the hints.
 *
 * <pre>{@code
 * ManagedFixture f = ManagedFixture.in(tempDir);
 * ObjectNode config = f.config();          // edit, then f.write(config)
 * }</pre>
 */
public final class ManagedFixture {
    public static final String HINTS = "Be brief.|Reply in UPPERCASE.|SHOUT.";
    public static final List<String> WORDS = List.of("alpha beta", "gamma", "delta epsilon", "zeta", "eta theta", "iota");
    private final Path dir;

    private ManagedFixture(Path dir) {
        this.dir = dir;
    }

    public static ManagedFixture in(Path dir) {
        ManagedFixture f = new ManagedFixture(dir);
        PromptRegistry registry = PromptRegistry.inDirectory(dir.resolve("prompts"));
        registry.register("qa", PromptTemplate.chat(List.of(ChatMessage.system("Repeat the text."),
                ChatMessage.user("Text: {{?text}}"))));
        f.writeDataset("data/qa/all.json", WORDS.size());
        return f;
    }

    public Path dir() {
        return dir;
    }

    /** A SAP dataset of the first {@code rows} words: fields.text and the upper-cased answer. */
    public void writeDataset(String path, int rows) {
        ArrayNode a = JsonSupport.mapper().createArrayNode();
        for (int i = 0; i < rows; i++) {
            String w = WORDS.get(i % WORDS.size()) + (i >= WORDS.size() ? " " + i : "");
            ObjectNode row = a.addObject();
            row.putObject("fields").put("text", w);
            row.put("answer", w.toUpperCase(java.util.Locale.ROOT));
        }
        write(path, a.toPrettyString());
    }

    /** The valid configuration: two targets, base model, local stores {@code default} (store/) and {@code data} (data/). */
    public ObjectNode config() {
        ObjectNode c = JsonSupport.mapper().createObjectNode();
        c.put("basePrompt", "prompt-optimization/qa:1");
        c.put("dataset", "data:qa/all.json");
        c.put("optimizationMetric", "Exact_Match");
        c.putArray("targetModels").add("scripted:/good").add("scripted:/bad");
        c.putArray("targetPromptMapping").add("scripted:/good=qa-good:1").add("scripted:/bad=qa-bad");
        c.put("baseModel", "scripted:/base");
        c.put("prototypeMode", true);
        c.put("optimizer", "hill-climb");
        c.putObject("optimizerOptions").put("hints", HINTS);
        c.putObject("budget").put("maxMetricCalls", 100).put("maxDollars", 1.5);
        c.put("maxConcurrency", 2);
        c.put("seed", 7);
        c.put("registry", "prompts");
        ObjectNode stores = c.putObject("objectStores");
        stores.putObject("default").put("type", "local").put("root", "store");
        stores.putObject("data").put("type", "local").put("root", "data");
        return c;
    }

    /** Writes a configuration to {@code optimization.json} and returns its path. */
    public Path write(ObjectNode config) {
        return write("optimization.json", config.toPrettyString());
    }

    public Path write(String path, String content) {
        Path p = dir.resolve(path);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** Takes the lease of an execution for another worker for an hour, as if it were running elsewhere. */
    public static void holdLease(dev.promptopt.ObjectStore store, String executionId, String owner) {
        new ExecutionLease(store, executionId, owner, java.time.Clock.systemUTC(), java.time.Duration.ofHours(1)).acquire();
    }
}
