package dev.promptopt.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.core.io.JsonSupport;
import java.util.LinkedHashMap;

import dev.promptopt.ChatMessage;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Stable content hashes: of candidates (the evaluation cache's key and the checkpoint's identity check) and of
 * examples (an example is its id and its content, so two examples sharing an id never share a cached result).
 */
public final class Fingerprints {
    private static final ObjectMapper CANONICAL = JsonSupport.newMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Fingerprints() {
    }

    public static String of(PromptSet candidate) {
        MessageDigest md = sha256();
        for (Map.Entry<String, PromptTemplate> e : candidate.asMap().entrySet()) { // sorted by name
            update(md, e.getKey());
            PromptTemplate t = e.getValue();
            update(md, t.kind().name());
            if (t.isChat()) {
                for (ChatMessage m : t.messages()) {
                    update(md, m.role());
                    update(md, m.content());
                }
            } else {
                update(md, t.text());
            }
        }
        return HexFormat.of().formatHex(md.digest(), 0, 16);
    }

    /**
     * The example's identity in the cache and the journal: its id and a hash of its content (inputs, reference
     * output, expectations; map keys in sorted order). Tags and the source line are not content.
     */
    public static String of(Example example) {
        return example.id() + '#' + content(example);
    }

    /** A hash of what an example asks and expects: inputs, outputs and expectations. */
    public static String content(Example example) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("inputs", example.inputs());
        content.put("outputs", example.outputs());
        content.put("expectations", example.expectations());
        byte[] json;
        try {
            json = CANONICAL.writeValueAsBytes(content);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("cannot hash " + example.describe() + ": its inputs, outputs or expectations"
                    + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        return HexFormat.of().formatHex(sha256().digest(json), 0, 12);
    }

    private static void update(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        // Length-prefix each part so that ("ab","c") and ("a","bc") differ.
        md.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
        md.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
