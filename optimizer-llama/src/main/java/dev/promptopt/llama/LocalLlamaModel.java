package dev.promptopt.llama;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import de.kherud.llama.args.LogFormat;
import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.TokenUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offline {@link LanguageModel}: a GGUF model run in-process by llama.cpp (through {@code de.kherud:llama}).
 * The model's own chat template renders the messages. Calls on one instance are serialized, since a llama
 * context is not safe for concurrent use; create several instances for parallelism. Close it to free the
 * native memory.
 *
 * <p>Known limitation of {@code de.kherud:llama} 4.2.0: after a model was loaded, a non-daemon native thread
 * keeps the JVM alive when {@code main} returns, even after {@link #close()}; command-line programs should end
 * with {@code System.exit}. (Test runners and servers are unaffected.)
 *
 * <pre>{@code
 * try (LocalLlamaModel model = LocalLlamaModel.defaultModel()) {      // SmolLM2-135M-Instruct
 *     String answer = model.chat("Name a primary colour.").text();
 * }
 * LocalLlamaModel custom = LocalLlamaModel.builder().modelPath(Path.of("my.gguf"))
 *     .contextSize(4096).threads(4).maxTokens(256).temperature(0.0).seed(7).build();
 * }</pre>
 */
public final class LocalLlamaModel implements LanguageModel, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalLlamaModel.class);
    private static final Logger nativeLog = LoggerFactory.getLogger("dev.promptopt.llama.cpp");
    private static volatile boolean loggerInstalled;

    private final String name;
    private final Path modelPath;
    private final int maxTokens;
    private final double temperature;
    private final int seed;
    private final LlamaModel llama;
    private final ReentrantLock lock = new ReentrantLock();
    private final long loadNanos;
    private volatile boolean closed;

    private LocalLlamaModel(Builder b) {
        this.modelPath = b.modelPath;
        this.name = b.name != null ? b.name : "local:/" + b.modelPath.getFileName();
        this.maxTokens = b.maxTokens;
        this.temperature = b.temperature;
        this.seed = b.seed;
        installLogger();
        ModelParameters params = new ModelParameters()
                .setModel(b.modelPath.toString())
                .setCtxSize(b.contextSize)
                .setThreads(b.threads)
                .setThreadsBatch(b.threads)
                .setSeed(b.seed)
                .setParallel(1)
                // llama.cpp's server loop writes its own logs to stderr; library code must not print.
                .disableLog();
        long start = System.nanoTime();
        try {
            this.llama = new LlamaModel(params);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw ModelException.permanent("could not load local model " + b.modelPath + ": " + e.getMessage(), e);
        }
        this.loadNanos = System.nanoTime() - start;
        log.info("loaded {} in {} ms (context {}, {} threads)", b.modelPath, loadNanos / 1_000_000, b.contextSize, b.threads);
    }

    /** A builder; {@link Builder#modelPath(Path)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * SmolLM2-135M-Instruct from the local cache (see {@link LocalModelFiles}), named {@code local:/smollm2-135m}.
     *
     * @throws ModelException when the file is missing, telling to run {@code scripts/fetch-local-model.sh}
     */
    public static LocalLlamaModel defaultModel() {
        return builder().modelPath(LocalModelFiles.defaultModelPath()).name("local:/smollm2-135m").build();
    }

    private static void installLogger() {
        if (!loggerInstalled) {
            synchronized (LocalLlamaModel.class) {
                if (!loggerInstalled) {
                    // llama.cpp logs a lot at INFO; route it to SLF4J at debug so library code never prints.
                    LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> {
                        if (nativeLog.isDebugEnabled()) {
                            nativeLog.debug("[{}] {}", level, message.stripTrailing());
                        }
                    });
                    loggerInstalled = true;
                }
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** The GGUF file this model was loaded from. */
    public Path modelPath() {
        return modelPath;
    }

    /** How long loading the model took, in milliseconds. */
    public long loadMillis() {
        return loadNanos / 1_000_000;
    }

    @Override
    public ModelResponse chat(List<ChatMessage> messages) {
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw ModelException.permanent(name + ": no messages to send");
        }
        lock.lock();
        try {
            if (closed) {
                throw ModelException.permanent(name + " is closed");
            }
            String system = null;
            List<Pair<String, String>> turns = new ArrayList<>();
            for (ChatMessage m : messages) {
                if (m.role().equals("system") && system == null && turns.isEmpty()) {
                    system = m.content();
                } else {
                    turns.add(new Pair<>(m.role(), m.content()));
                }
            }
            InferenceParameters params = new InferenceParameters("")
                    .setMessages(system, turns)
                    .setUseChatTemplate(true)
                    .setNPredict(maxTokens)
                    .setTemperature((float) temperature)
                    .setSeed(seed)
                    .setCachePrompt(false);
            // In 4.2.0 generate() does not apply the chat template itself: render it, then send the text.
            String prompt = llama.applyTemplate(params);
            params.setPrompt(prompt);
            long promptTokens = llama.encode(prompt).length;
            StringBuilder text = new StringBuilder();
            for (LlamaOutput out : llama.generate(params)) {
                text.append(out.text);
            }
            String answer = text.toString().strip();
            long outputTokens = answer.isEmpty() ? 0 : llama.encode(answer).length;
            return new ModelResponse(answer, new TokenUsage(promptTokens, outputTokens), name);
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ModelException.permanent(name + ": llama.cpp failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Frees the native model and context. Later calls fail. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                llama.close();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "LocalLlamaModel[" + name + ", " + modelPath + "]";
    }

    /** Builds a {@link LocalLlamaModel}; {@link #build()} loads the model. */
    public static final class Builder {
        private Path modelPath;
        private String name;
        private int contextSize = 2048;
        private int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private int maxTokens = 256;
        private double temperature = 0.0;
        private int seed = 42;

        private Builder() {
        }

        public Builder modelPath(Path modelPath) {
            this.modelPath = Objects.requireNonNull(modelPath, "modelPath");
            return this;
        }

        /** The name in logs and cost tables; default {@code local:/<file name>}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Context window in tokens (prompt + answer); default 2048. */
        public Builder contextSize(int contextSize) {
            this.contextSize = positive("contextSize", contextSize);
            return this;
        }

        /** CPU threads; default min(4, available processors). */
        public Builder threads(int threads) {
            this.threads = positive("threads", threads);
            return this;
        }

        /** Most tokens generated per call; default 256. */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = positive("maxTokens", maxTokens);
            return this;
        }

        /** Sampling temperature; default 0 (greedy, deterministic). */
        public Builder temperature(double temperature) {
            if (!(temperature >= 0 && temperature <= 2)) {
                throw new IllegalArgumentException("temperature must be in [0, 2], found " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /** Sampling seed; default 42. */
        public Builder seed(int seed) {
            this.seed = seed;
            return this;
        }

        /** Loads the model. */
        public LocalLlamaModel build() {
            if (modelPath == null) {
                throw new IllegalStateException("modelPath is required (see LocalModelFiles.defaultModelPath())");
            }
            LocalModelFiles.requireFile(modelPath);
            if (maxTokens >= contextSize) {
                throw new IllegalStateException("maxTokens (" + maxTokens + ") must be below contextSize (" + contextSize + ")");
            }
            return new LocalLlamaModel(this);
        }

        private static int positive(String what, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be > 0, found " + value);
            }
            return value;
        }
    }
}
