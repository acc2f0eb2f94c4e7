package dev.promptopt.core.testing;

import dev.promptopt.ChatMessage;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelProvider;
import dev.promptopt.ModelResponse;
import dev.promptopt.TokenUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code scripted:/<name>} models for managed-run tests, registered in META-INF/services. Each repeats the text
 * after "Text: " in the last user message, upper-cased when the prompt holds its trigger word:
 * {@code good} on "UPPERCASE", {@code bad} on "SHOUT", {@code base} never; {@code judge} answers "10".
 *
 * <p>Every completed call is appended to the file named by {@code -Dpromptopt.scripted.calls} (or env
 * {@code PROMPTOPT_SCRIPTED_CALLS}) as {@code model<TAB>sha256(messages)}, so tests count calls across processes.
 * With {@code PROMPTOPT_SCRIPTED_HANG_AT=n} the n-th call of the process creates {@code <calls file>.hung} and
 * never answers (a process to kill mid-run).
 */
public final class ScriptedProvider implements ModelProvider {
    private static final AtomicInteger CALLS = new AtomicInteger();

    /** Calls made in this JVM. */
    public static int calls() {
        return CALLS.get();
    }

    @Override
    public String scheme() {
        return "scripted";
    }

    @Override
    public LanguageModel create(String model, Map<String, String> options) {
        return new LanguageModel() {
            @Override
            public String name() {
                return "scripted:/" + model;
            }

            @Override
            public ModelResponse chat(List<ChatMessage> messages) {
                int n = CALLS.incrementAndGet();
                String hangAt = setting("promptopt.scripted.hangAt", "PROMPTOPT_SCRIPTED_HANG_AT");
                String file = setting("promptopt.scripted.calls", "PROMPTOPT_SCRIPTED_CALLS");
                if (hangAt != null && n >= Integer.parseInt(hangAt)) {
                    hang(file);
                }
                String answer = answer(model, messages);
                if (file != null) {
                    record(Path.of(file), name() + "\t" + hash(messages) + "\n");
                }
                return new ModelResponse(answer, new TokenUsage(1, 1), name());
            }
        };
    }

    private static String answer(String model, List<ChatMessage> messages) {
        StringBuilder all = new StringBuilder();
        messages.forEach(m -> all.append(m.content()).append('\n'));
        if (model.equals("judge")) {
            return "10 - same meaning";
        }
        String last = messages.get(messages.size() - 1).content();
        int at = last.indexOf("Text: ");
        String text = at < 0 ? last : last.substring(at + 6).lines().findFirst().orElse("");
        boolean upper = switch (model) {
            case "good" -> all.indexOf("UPPERCASE") >= 0;
            case "bad" -> all.indexOf("SHOUT") >= 0;
            default -> false;
        };
        return upper ? text.toUpperCase(java.util.Locale.ROOT) : text;
    }

    private static synchronized void record(Path file, String line) {
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void hang(String file) {
        try {
            Files.writeString(Path.of(file + ".hung"), "hung", StandardCharsets.UTF_8);
            Thread.sleep(Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hanging", e);
        }
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }

    private static String hash(List<ChatMessage> messages) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (ChatMessage m : messages) {
                d.update((m.role() + "\0" + m.content() + "\0").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
