package dev.promptopt.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How text scorers ({@link Scorers#exactMatch(MatchOptions)}, {@link Scorers#containsReference(MatchOptions)},
 * {@link Scorers#contains(String, MatchOptions)}) normalize the output and the reference before comparing.
 * Both sides are always trimmed; everything else is off by default.
 *
 * <pre>{@code
 * Scorer s = Scorers.exactMatch(MatchOptions.ofDefaults().ignoreCase(true).stripPunctuation(true));
 * Scorer forgiving = Scorers.exactMatch(MatchOptions.lenient());   // every option on
 * }</pre>
 *
 * <p>Normalization applies, in order: trim; strip one or more pairs of surrounding quotes
 * ({@code "..."}, {@code '...'}, {@code `...`}, curly quotes); remove punctuation (Unicode category P);
 * collapse runs of whitespace to one space; lower-case (locale-independent); trim again.
 *
 * @param ignoreCase          compare without regard to letter case
 * @param normalizeWhitespace treat any run of whitespace (spaces, tabs, newlines) as one space
 * @param stripQuotes         remove quotes around the whole text, e.g. {@code "positive"} -> {@code positive}
 * @param stripPunctuation    remove punctuation anywhere, e.g. {@code Positive.} -> {@code Positive}
 */
public record MatchOptions(boolean ignoreCase, boolean normalizeWhitespace, boolean stripQuotes,
                           boolean stripPunctuation) {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern PUNCTUATION = Pattern.compile("\\p{P}+");
    private static final String OPENING_QUOTES = "\"'`\u201C\u2018";
    private static final String CLOSING_QUOTES = "\"'`\u201D\u2019";

    /** Trim only. */
    public static MatchOptions ofDefaults() {
        return new MatchOptions(false, false, false, false);
    }

    /** Every normalization on: case, whitespace, quotes and punctuation are ignored. */
    public static MatchOptions lenient() {
        return new MatchOptions(true, true, true, true);
    }

    public MatchOptions ignoreCase(boolean on) {
        return new MatchOptions(on, normalizeWhitespace, stripQuotes, stripPunctuation);
    }

    public MatchOptions normalizeWhitespace(boolean on) {
        return new MatchOptions(ignoreCase, on, stripQuotes, stripPunctuation);
    }

    public MatchOptions stripQuotes(boolean on) {
        return new MatchOptions(ignoreCase, normalizeWhitespace, on, stripPunctuation);
    }

    public MatchOptions stripPunctuation(boolean on) {
        return new MatchOptions(ignoreCase, normalizeWhitespace, stripQuotes, on);
    }

    /** The text as these options compare it. */
    public String normalize(String text) {
        String s = text.strip();
        if (stripQuotes) {
            s = unquote(s);
        }
        if (stripPunctuation) {
            s = PUNCTUATION.matcher(s).replaceAll("");
        }
        if (normalizeWhitespace) {
            s = WHITESPACE.matcher(s).replaceAll(" ");
        }
        if (ignoreCase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        return s.strip();
    }

    private static String unquote(String s) {
        while (s.length() >= 2) {
            int open = OPENING_QUOTES.indexOf(s.charAt(0));
            if (open < 0 || s.charAt(s.length() - 1) != CLOSING_QUOTES.charAt(open)) {
                break;
            }
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    /** What is ignored, for rationales: "ignoring case and whitespace", or "" when only trimming. */
    public String description() {
        List<String> parts = new ArrayList<>();
        if (ignoreCase) {
            parts.add("case");
        }
        if (normalizeWhitespace) {
            parts.add("whitespace");
        }
        if (stripQuotes) {
            parts.add("surrounding quotes");
        }
        if (stripPunctuation) {
            parts.add("punctuation");
        }
        if (parts.isEmpty()) {
            return "";
        }
        String last = parts.remove(parts.size() - 1);
        return "ignoring " + (parts.isEmpty() ? last : String.join(", ", parts) + " and " + last);
    }
}
