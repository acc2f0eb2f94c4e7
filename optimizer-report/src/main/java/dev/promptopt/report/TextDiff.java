package dev.promptopt.report;

import dev.promptopt.report.internal.Html;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level diff of two texts (longest common subsequence of words, whitespace runs and punctuation
 * marks), as the segments that stay, are deleted and are inserted.
 *
 * <pre>{@code
 * TextDiff d = TextDiff.words("Classify the text.", "Classify the review carefully.");
 * d.segments();   // [EQUAL "Classify the ", DELETED "text", INSERTED "review carefully", EQUAL "."]
 * d.toHtml();     // Classify the <del>text</del><ins>review carefully</ins>.
 * }</pre>
 *
 * <p>Within a changed region every deletion comes before every insertion, and a lone whitespace run
 * between two changes is folded into both, so a rewritten phrase reads as one deleted and one inserted
 * phrase rather than as alternating words.
 */
public final class TextDiff {
    /** What happened to a segment's text. */
    public enum Kind { EQUAL, DELETED, INSERTED }

    /**
     * A run of text with one fate.
     *
     * @param kind whether the text is in both, only in the first, or only in the second text
     * @param text the text, never empty
     */
    public record Segment(Kind kind, String text) {
        public Segment {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(text, "text");
        }
    }

    private static final Pattern TOKEN = Pattern.compile("\\s+|[\\p{L}\\p{N}_]+|[^\\s\\p{L}\\p{N}_]");
    /** Beyond this many DP cells (after trimming the common prefix and suffix) the middle is one replacement. */
    private static final long MAX_CELLS = 4_000_000L;

    private final List<Segment> segments;

    private TextDiff(List<Segment> segments) {
        this.segments = List.copyOf(segments);
    }

    /** The word-level diff from {@code before} to {@code after}. */
    public static TextDiff words(String before, String after) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        List<String> a = tokens(before);
        List<String> b = tokens(after);
        List<Segment> raw = new ArrayList<>();
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            raw.add(new Segment(Kind.EQUAL, a.get(prefix)));
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        List<String> midA = a.subList(prefix, a.size() - suffix);
        List<String> midB = b.subList(prefix, b.size() - suffix);
        raw.addAll(lcs(midA, midB));
        for (String t : a.subList(a.size() - suffix, a.size())) {
            raw.add(new Segment(Kind.EQUAL, t));
        }
        return new TextDiff(slideToLineBreaks(tidy(raw)));
    }

    /** The segments, in reading order; adjacent segments never share a kind. */
    public List<Segment> segments() {
        return segments;
    }

    /** Whether the two texts differ. */
    public boolean hasChanges() {
        return segments.stream().anyMatch(s -> s.kind() != Kind.EQUAL);
    }

    /** The deleted runs of text, in order. */
    public List<String> deleted() {
        return segments.stream().filter(s -> s.kind() == Kind.DELETED).map(Segment::text).toList();
    }

    /** The inserted runs of text, in order. */
    public List<String> inserted() {
        return segments.stream().filter(s -> s.kind() == Kind.INSERTED).map(Segment::text).toList();
    }

    /** The diff as HTML: text escaped, deletions in {@code <del>}, insertions in {@code <ins>}. */
    public String toHtml() {
        StringBuilder sb = new StringBuilder();
        for (Segment s : segments) {
            switch (s.kind()) {
                case EQUAL -> sb.append(Html.escape(s.text()));
                case DELETED -> sb.append("<del>").append(Html.escape(s.text())).append("</del>");
                case INSERTED -> sb.append("<ins>").append(Html.escape(s.text())).append("</ins>");
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return segments.toString();
    }

    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<Segment> lcs(List<String> a, List<String> b) {
        List<Segment> out = new ArrayList<>();
        int n = a.size();
        int m = b.size();
        if ((long) (n + 1) * (m + 1) > MAX_CELLS) {
            a.forEach(t -> out.add(new Segment(Kind.DELETED, t)));
            b.forEach(t -> out.add(new Segment(Kind.INSERTED, t)));
            return out;
        }
        // dp[i][j] = length of the LCS of a[i..] and b[j..]; walking forward reads the diff in order.
        int[][] dp = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                dp[i][j] = a.get(i).equals(b.get(j)) ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (a.get(i).equals(b.get(j))) {
                out.add(new Segment(Kind.EQUAL, a.get(i)));
                i++;
                j++;
            } else if (dp[i + 1][j] >= dp[i][j + 1]) {
                out.add(new Segment(Kind.DELETED, a.get(i++)));
            } else {
                out.add(new Segment(Kind.INSERTED, b.get(j++)));
            }
        }
        while (i < n) {
            out.add(new Segment(Kind.DELETED, a.get(i++)));
        }
        while (j < m) {
            out.add(new Segment(Kind.INSERTED, b.get(j++)));
        }
        return out;
    }

    /**
     * Groups tokens into readable runs. A changed region is a run of changes, possibly joined by
     * whitespace-only equal tokens; when it both deletes and inserts, it becomes one deletion followed by
     * one insertion (each side keeps the joining whitespace, so both texts still read back exactly).
     * Neighbours of one kind are merged.
     */
    private static List<Segment> tidy(List<Segment> tokens) {
        List<Segment> out = new ArrayList<>();
        int k = 0;
        while (k < tokens.size()) {
            if (tokens.get(k).kind() == Kind.EQUAL) {
                append(out, tokens.get(k++));
                continue;
            }
            int end = k;
            while (end + 1 < tokens.size() && (tokens.get(end + 1).kind() != Kind.EQUAL
                    || end + 2 < tokens.size() && tokens.get(end + 1).text().isBlank()
                    && tokens.get(end + 2).kind() != Kind.EQUAL)) {
                end++;
            }
            List<Segment> region = tokens.subList(k, end + 1);
            boolean deletes = region.stream().anyMatch(t -> t.kind() == Kind.DELETED);
            boolean inserts = region.stream().anyMatch(t -> t.kind() == Kind.INSERTED);
            if (deletes && inserts) {
                StringBuilder del = new StringBuilder();
                StringBuilder ins = new StringBuilder();
                for (Segment t : region) {
                    if (t.kind() != Kind.INSERTED) {
                        del.append(t.text());
                    }
                    if (t.kind() != Kind.DELETED) {
                        ins.append(t.text());
                    }
                }
                append(out, new Segment(Kind.DELETED, del.toString()));
                append(out, new Segment(Kind.INSERTED, ins.toString()));
            } else {
                region.forEach(t -> append(out, t));
            }
            k = end + 1;
        }
        return out;
    }

    private static void append(List<Segment> out, Segment s) {
        if (!out.isEmpty() && out.get(out.size() - 1).kind() == s.kind()) {
            Segment last = out.remove(out.size() - 1);
            out.add(new Segment(s.kind(), last.text() + s.text()));
        } else {
            out.add(s);
        }
    }

    /**
     * An insertion or deletion between two equal runs can often sit at several places (inserting
     * ".\nB" after "A" in "A.\n" reads the same as inserting "B.\n" after "A.\n"). Moves each one to where
     * it ends a line, or else starts one, and never into the middle of a word.
     */
    private static List<Segment> slideToLineBreaks(List<Segment> in) {
        List<Segment> segs = new ArrayList<>(in);
        for (int k = 1; k + 1 < segs.size(); k++) {
            Segment prev = segs.get(k - 1);
            Segment change = segs.get(k);
            Segment next = segs.get(k + 1);
            if (prev.kind() != Kind.EQUAL || next.kind() != Kind.EQUAL || change.kind() == Kind.EQUAL) {
                continue;
            }
            String p = prev.text();
            String c = change.text();
            String n = next.text();
            // Offsets: negative moves the change left into prev, positive right into next.
            int left = 0;
            while (left < p.length() && left < c.length()
                    && p.charAt(p.length() - 1 - left) == c.charAt(c.length() - 1 - left)) {
                left++;
            }
            int right = 0;
            while (right < n.length() && right < c.length() && n.charAt(right) == c.charAt(right)) {
                right++;
            }
            int bestOffset = 0;
            int bestScore = placement(p, c, n);
            for (int off = -left; off <= right; off++) {
                if (off == 0) {
                    continue;
                }
                String[] moved = shifted(p, c, n, off);
                int score = placement(moved[0], moved[1], moved[2]);
                if (score > bestScore) {
                    bestScore = score;
                    bestOffset = off;
                }
            }
            if (bestOffset != 0) {
                String[] moved = shifted(p, c, n, bestOffset);
                segs.set(k - 1, new Segment(Kind.EQUAL, moved[0]));
                segs.set(k, new Segment(change.kind(), moved[1]));
                segs.set(k + 1, new Segment(Kind.EQUAL, moved[2]));
            }
        }
        segs.removeIf(seg -> seg.text().isEmpty());
        List<Segment> out = new ArrayList<>();
        segs.forEach(seg -> append(out, seg));
        return out;
    }

    /** prev, change, next after rotating the change by off characters (off < 0: left). */
    private static String[] shifted(String p, String c, String n, int off) {
        if (off > 0) {
            return new String[] {p + c.substring(0, off), c.substring(off) + n.substring(0, off), n.substring(off)};
        }
        int k = -off;
        return new String[] {p.substring(0, p.length() - k), p.substring(p.length() - k) + c.substring(0, c.length() - k),
            c.substring(c.length() - k) + n};
    }

    /** How well a change sits: -1 when it cuts a word; more when it ends or starts a line. */
    private static int placement(String p, String c, String n) {
        if (c.isEmpty() || cutsWord(p, c.charAt(0)) || !n.isEmpty() && isWord(c.charAt(c.length() - 1))
                && isWord(n.charAt(0))) {
            return -1;
        }
        int score = 0;
        if (c.charAt(c.length() - 1) == '\n') {
            score += 2;
        }
        if (p.isEmpty() || p.charAt(p.length() - 1) == '\n') {
            score += 1;
        }
        return score;
    }

    private static boolean cutsWord(String p, char first) {
        return !p.isEmpty() && isWord(p.charAt(p.length() - 1)) && isWord(first);
    }

    private static boolean isWord(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_';
    }
}
