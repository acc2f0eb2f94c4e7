package dev.promptopt.core;

import dev.promptopt.ExampleResult;
import dev.promptopt.core.io.JsonSupport;
import dev.promptopt.core.internal.engine.ResultRecords;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link Evaluation#run()} returns.
 *
 * <pre>{@code
 * r.rows().forEach(row -> System.out.println(row.example().id() + " " + row.score()));
 * System.out.println(r.table());
 * }</pre>
 *
 * @param rows        one result per example, in the data's order
 * @param metrics     scorer name -> mean value over the scored rows (a failed row is no score: see {@link #failures()})
 * @param score       mean of the aggregated per-example scores of the scored rows
 * @param metricCalls examples scored (failed rows excluded)
 * @param duration    wall time
 */
public record EvaluationResult(List<ExampleResult> rows, Map<String, Double> metrics, double score, long metricCalls,
                               Duration duration) {
    public EvaluationResult {
        rows = List.copyOf(rows);
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** Rows whose predict function or a scorer failed. */
    public long failures() {
        return rows.stream().filter(ExampleResult::failed).count();
    }

    /** The rows as a JSON array (id, inputs, output, reference, score, feedback, error). */
    public String toJson() {
        return new String(JsonSupport.toFileBytes(ResultRecords.rows(rows)), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A plain-text table: one line per row, then the metrics. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %-6s %s%n", "id", "score", "output"));
        for (ExampleResult r : rows) {
            String out = r.failed() ? "ERROR " + r.error() : String.valueOf(r.output());
            String score = r.failed() ? "-" : String.format(Locale.ROOT, "%.3f", r.score());
            out = out.replace('\n', ' ');
            if (out.length() > 70) {
                out = out.substring(0, 67) + "...";
            }
            sb.append(String.format(Locale.ROOT, "%-16s %-6s %s%n", r.example().id(), score, out));
        }
        metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s = %.4f%n", k, v)));
        long failed = failures();
        sb.append(String.format(Locale.ROOT, "score = %.4f over %d rows%s%n", score, rows.size() - failed,
                failed == 0 ? "" : " (" + failed + " failed, not scored)"));
        return sb.toString();
    }
}
