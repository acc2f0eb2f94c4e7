package dev.promptopt.junit.internal;

import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A plain-text table of example results for assertion messages: id, score, output, expected, why. */
public final class FailureTable {
    private static final int MAX_CELL = 50;
    /** The last column may be longer: it is what a reader needs most, and nothing follows it. */
    private static final int MAX_WHY = 200;
    private static final int MAX_ROWS = 50;

    private FailureTable() {
    }

    /**
     * One row per result.
     *
     * @param scorer the scorer whose value is shown, or null for the aggregated score
     */
    public static String render(List<ExampleResult> rows, String scorer) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"id", scorer == null ? "score" : scorer, "output", "expected", "why"});
        for (ExampleResult r : rows.subList(0, Math.min(rows.size(), MAX_ROWS))) {
            Feedback f = scorer == null ? null : r.feedback().get(scorer);
            double value = scorer == null ? r.score() : f == null ? 0.0 : f.value();
            String score = r.failed() ? "ERROR" : String.format(Locale.ROOT, "%.3f", value);
            String output = r.failed() ? "" : String.valueOf(r.output());
            Object reference = r.example().referenceOutput();
            String expected = reference != null ? String.valueOf(reference)
                    : r.example().expectations().isEmpty() ? "" : String.valueOf(r.example().expectations());
            cells.add(new String[] {r.example().id(), score, cell(output), cell(expected), cell(why(r, scorer), MAX_WHY)});
        }
        int[] widths = new int[5];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < cells.size(); line++) {
            appendRow(sb, cells.get(line), widths);
            if (line == 0) {
                String[] rule = new String[5];
                for (int i = 0; i < 5; i++) {
                    rule[i] = "-".repeat(widths[i]);
                }
                appendRow(sb, rule, widths);
            }
        }
        if (rows.size() > MAX_ROWS) {
            sb.append("... and ").append(rows.size() - MAX_ROWS).append(" more\n");
        }
        return sb.toString();
    }

    private static String why(ExampleResult r, String scorer) {
        if (r.failed()) {
            return r.error();
        }
        if (scorer != null) {
            Feedback f = r.feedback().get(scorer);
            return f == null ? "no feedback from " + scorer : f.rationale();
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Feedback> e : r.feedback().entrySet()) {
            if (e.getValue().value() < 1.0) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append(e.getKey()).append(": ").append(e.getValue().rationale());
            }
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String[] row, int[] widths) {
        sb.append('|');
        for (int i = 0; i < row.length; i++) {
            sb.append(' ').append(row[i]).append(" ".repeat(widths[i] - row[i].length())).append(" |");
        }
        sb.append('\n');
    }

    private static String cell(String text) {
        return cell(text, MAX_CELL);
    }

    private static String cell(String text, int max) {
        String flat = text.replace("\r", "").replace("\n", "\\n").replace("|", "/");
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }
}
