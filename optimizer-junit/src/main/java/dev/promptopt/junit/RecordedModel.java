package dev.promptopt.junit;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.junit.internal.RecordingFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LanguageModel} that answers from a file of recorded answers, so prompt regression tests run offline
 * and deterministically. The first run records the live model's answers into the file (commit it with the
 * tests); later runs replay them. A call that was not recorded, because the prompt or the input changed, fails
 * with a "not recorded" error that names the file and tells how to record it.
 *
 * <pre>{@code
 * LanguageModel model = RecordedModel.builder(Path.of("src/test/resources/recordings/sentiment.json"))
 *         .name("local:/smollm2-135m")                             // part of each answer's key
 *         .live(() -> Models.resolve("local:/smollm2-135m"))       // only called when recording
 *         .build();
 * }</pre>
 *
 * <p>The {@link Mode} comes from the system property {@code promptopt.recording} or the environment variable
 * {@code PROMPTOPT_RECORDING} ({@code auto}, {@code replay}, {@code record-missing}, {@code record}); the default
 * is {@code auto}, or {@code replay} when {@code CI=true} so that CI never calls a live model.
 */
public final class RecordedModel implements LanguageModel {
    /** The system property that sets the mode. */
    public static final String MODE_PROPERTY = "promptopt.recording";
    /** The environment variable that sets the mode when the system property is absent. */
    public static final String MODE_ENV = "PROMPTOPT_RECORDING";

    private static final Logger LOG = LoggerFactory.getLogger(RecordedModel.class);

    /** When the live model is called. */
    public enum Mode {
        /** Record every call when the file does not exist yet; otherwise {@link #REPLAY}. */
        AUTO,
        /** Answer only from the file; a call not in it fails. Never calls the live model. */
        REPLAY,
        /** Answer from the file; call the live model for calls not in it and add their answers. */
        RECORD_MISSING,
        /** Call the live model for every call and replace the recorded answers. */
        RECORD;

        /** {@code auto}, {@code replay}, {@code record-missing} or {@code record}, any case. */
        public static Mode parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (t) {
                case "auto" -> AUTO;
                case "replay" -> REPLAY;
                case "record-missing" -> RECORD_MISSING;
                case "record" -> RECORD;
                default -> throw new IllegalArgumentException("recording mode '" + text
                        + "' is not one of auto, replay, record-missing, record");
            };
        }

        /** From {@code -Dpromptopt.recording}, else {@code PROMPTOPT_RECORDING}, else the default. */
        public static Mode fromEnvironment() {
            return fromEnvironment(System::getProperty, System::getenv);
        }

        static Mode fromEnvironment(Function<String, String> properties, Function<String, String> env) {
            String explicit = properties.apply(MODE_PROPERTY);
            if (explicit == null || explicit.isBlank()) {
                explicit = env.apply(MODE_ENV);
            }
            if (explicit != null && !explicit.isBlank()) {
                return parse(explicit);
            }
            return "true".equalsIgnoreCase(env.apply("CI")) ? REPLAY : AUTO;
        }
    }

    private final RecordingFile file;
    private final String name;
    private final Mode mode;
    private final Supplier<LanguageModel> live;
    private LanguageModel liveModel;

    private RecordedModel(RecordingFile file, String name, Mode mode, Supplier<LanguageModel> live) {
        this.file = file;
        this.name = name;
        this.mode = mode;
        this.live = live;
    }

    /** A builder for the recording in {@code file} (created when recording). */
    public static Builder builder(Path file) {
        return new Builder(Objects.requireNonNull(file, "file"));
    }

    @Override
    public String name() {
        return name;
    }

    /** The mode in force, after {@link Mode#AUTO} was decided by whether the file existed. */
    public Mode mode() {
        return mode;
    }

    /** The file the answers are read from and recorded to. */
    public Path file() {
        return file.path();
    }

    @Override
    public ModelResponse chat(List<ChatMessage> messages) {
        String key = RecordingFile.key(name, messages);
        if (mode != Mode.RECORD) {
            ModelResponse recorded = file.get(key);
            if (recorded != null) {
                return recorded;
            }
            if (mode == Mode.REPLAY) {
                throw ModelException.permanent(notRecorded(key, messages));
            }
        }
        ModelResponse answer = liveModel().chat(messages);
        file.put(key, messages, answer);
        return answer;
    }

    private synchronized LanguageModel liveModel() {
        if (liveModel == null) {
            if (live == null) {
                throw ModelException.permanent(name + ": mode " + mode + " needs the live model, but none was given ("
                        + "RecordedModel.builder(...).live(...))");
            }
            liveModel = Objects.requireNonNull(live.get(), "the live model supplier returned null");
            LOG.info("recording answers of {} into {}", liveModel.name(), file.path());
        }
        return liveModel;
    }

    private String notRecorded(String key, List<ChatMessage> messages) {
        String last = messages.isEmpty() ? "" : messages.get(messages.size() - 1).content().replace("\n", "\\n");
        if (last.length() > 160) {
            last = last.substring(0, 157) + "...";
        }
        return "not recorded: " + file.path() + " has no answer of " + name + " for this call (key "
                + key.substring(0, 12) + ", " + messages.size() + " message" + (messages.size() == 1 ? "" : "s")
                + ", last: '" + last + "'); the prompt or the input changed since the answers were recorded"
                + (file.size() == 0 ? " (the file holds no answers)" : "")
                + ". To record it, run once with -D" + MODE_PROPERTY + "=record-missing (or " + MODE_ENV
                + "=record-missing) and commit the file";
    }

    @Override
    public String toString() {
        return "RecordedModel[" + name + ", " + mode + ", " + file.path() + "]";
    }

    /** Builds a {@link RecordedModel}; the file is read in {@link #build()}. */
    public static final class Builder {
        private final Path path;
        private String name = "recorded";
        private Mode mode;
        private Supplier<LanguageModel> live;

        private Builder(Path path) {
            this.path = path;
        }

        /** The model's name, part of every answer's key: answers of another model are not replayed. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, found '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** The model to record from; called at most once, and only when a call must be recorded. */
        public Builder live(Supplier<LanguageModel> live) {
            this.live = Objects.requireNonNull(live, "live");
            return this;
        }

        /** The mode; default {@link Mode#fromEnvironment()}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Reads the file.
         *
         * @throws dev.promptopt.InvalidInputException when the file exists but is not a recording, naming the file and field
         */
        public RecordedModel build() {
            Mode chosen = mode != null ? mode : Mode.fromEnvironment();
            boolean exists = Files.exists(path);
            if (chosen == Mode.AUTO) {
                chosen = exists ? Mode.REPLAY : Mode.RECORD_MISSING;
            }
            RecordingFile file = RecordingFile.open(path, name);
            return new RecordedModel(file, name, chosen, live);
        }
    }
}
