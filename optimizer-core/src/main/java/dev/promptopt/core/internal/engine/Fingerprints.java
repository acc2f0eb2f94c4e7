package dev.promptopt.core.internal.engine;

import dev.promptopt.ChatMessage;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** Stable content hashes of candidates: the evaluation cache's key and the checkpoint's identity check. */
public final class Fingerprints {
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
