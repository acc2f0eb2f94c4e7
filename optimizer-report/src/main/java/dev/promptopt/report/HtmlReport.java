package dev.promptopt.report;

import dev.promptopt.CandidateRecord;
import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.io.JsonSupport;
import dev.promptopt.report.internal.Html;
import dev.promptopt.report.internal.LineageGraph;
import dev.promptopt.report.internal.ReportJson;
import dev.promptopt.report.internal.ScoreChart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A self-contained HTML page about one optimization run: the scores before and after, the score of every
 * candidate against the metric calls spent (with the best-so-far line), the candidate lineage, the diff
 * between the seed and the best prompt, per-scorer scores, calls, time, and the tokens and cost an
 * optimizer reported. No scripts, stylesheets or fonts are loaded: charts are inline SVG, so the file
 * opens anywhere, offline, and can be attached to a run as an artifact.
 *
 * <pre>{@code
 * OptimizationResult result = PromptOptimizer.builder()...run();
 * Path page = HtmlReport.of(result).writeTo(Path.of("runs", result.runId()));   // runs/<id>/report.html
 * String html = HtmlReport.of(result).render();                                  // the whole page
 * String part = HtmlReport.of(result).fragment();    // a <div> to embed, e.g. in a notebook cell's HTML output
 * }</pre>
 *
 * <p>All text that comes from prompts, data, models or the optimizer is escaped.
 */
public final class HtmlReport {
    /** The file name {@link #writeTo(Path)} uses when given a folder. */
    public static final String FILE_NAME = "report.html";

    private final OptimizationResult result;
    private final String title;
    private final @Nullable Timeline timeline;

    private HtmlReport(OptimizationResult result, String title, @Nullable Timeline timeline) {
        this.result = result;
        this.title = title;
        this.timeline = timeline;
    }

    /** A report of one run, titled after its prompts and run id. */
    public static HtmlReport of(OptimizationResult result) {
        Objects.requireNonNull(result, "result");
        Set<String> names = result.bestTemplates().names();
        String what = names.isEmpty() ? "prompt optimization" : String.join(", ", names);
        return new HtmlReport(result, "Optimization of " + what + " (run " + result.runId() + ")", null);
    }

    /** The same report under another title. */
    public HtmlReport withTitle(String title) {
        return new HtmlReport(result, Objects.requireNonNull(title, "title"), timeline);
    }

    /**
     * The same report with the run's {@link Timeline} (a listener registered with the run): adds the score
     * against wall time and the proposals in flight over time.
     */
    public HtmlReport withTimeline(Timeline timeline) {
        return new HtmlReport(result, title, Objects.requireNonNull(timeline, "timeline"));
    }

    /** The whole page: a standalone HTML document. */
    public String render() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
                + "<title>" + Html.escape(title) + "</title>\n</head>\n<body>\n" + fragment() + "</body>\n</html>\n";
    }

    /**
     * The report as one {@code <div>} with its own scoped style: for embedding in another page or in a
     * notebook's {@code text/html} output.
     */
    public String fragment() {
        StringBuilder sb = new StringBuilder(32_768);
        sb.append("<div class=\"po-report\">\n").append(STYLE);
        sb.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        summary(sb);
        sb.append("<h2>Score versus metric calls</h2>\n");
        sb.append(ScoreChart.svg(result));
        if (timeline != null) {
            double total = Math.max(timeline.seconds(), result.duration().toNanos() / 1e9);
            sb.append("<h2>Score versus wall time</h2>\n");
            sb.append(ScoreChart.svgByTime(result, timeline.acceptedAt(), total));
            sb.append("<h2>Proposals in flight</h2>\n");
            sb.append("<p>Each bar is one proposal (optimizer iteration), from its start to its last event; at most ")
                    .append(timeline.maxInFlight()).append(" were in flight at once.</p>\n");
            sb.append("<div class=\"po-scroll\">").append(ScoreChart.proposalsSvg(timeline.proposals(), total))
                    .append("</div>\n");
        }
        sb.append("<h2>Seed versus best prompt</h2>\n");
        promptDiffs(sb);
        sb.append("<h2>Scores per scorer</h2>\n");
        scorerTable(sb);
        sb.append("<h2>Candidate lineage</h2>\n");
        sb.append("<div class=\"po-scroll\">").append(LineageGraph.svg(result)).append("</div>\n");
        candidateTable(sb);
        sb.append("<h2>Calls, time and cost</h2>\n");
        usage(sb);
        sb.append("</div>\n");
        return sb.toString();
    }

    /**
     * Writes the page. Given an existing folder (a run folder such as {@code runs/<id>}), writes
     * {@value #FILE_NAME} inside it; otherwise writes the given file, creating missing folders. The
     * file is replaced atomically.
     *
     * @return the file written
     * @throws dev.promptopt.PromptOptimizerException naming the file when it cannot be written
     */
    public Path writeTo(Path target) {
        Objects.requireNonNull(target, "target");
        Path file = Files.isDirectory(target) ? target.resolve(FILE_NAME) : target;
        JsonSupport.writeAtomically(file, render().getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /**
     * An evaluation as an HTML table (one row per example: id, inputs, output, reference, score, each
     * scorer's value and rationale, error), with the metrics under it: for a notebook cell's output.
     *
     * <pre>{@code
     * EvaluationResult r = Evaluation.of(predict).prompts(seed).data(test).scorers(Scorers.exactMatch()).run();
     * String html = HtmlReport.evaluationTable(r);
     * }</pre>
     */
    public static String evaluationTable(EvaluationResult evaluation) {
        Objects.requireNonNull(evaluation, "evaluation");
        StringBuilder sb = new StringBuilder(8192);
        sb.append("<div class=\"po-report\">\n").append(STYLE);
        Set<String> scorers = new LinkedHashSet<>(evaluation.metrics().keySet());
        evaluation.rows().forEach(r -> scorers.addAll(r.feedback().keySet()));
        sb.append("<table class=\"po-table\">\n<thead><tr><th>id</th><th>inputs</th><th>output</th><th>reference</th>"
                + "<th>score</th>");
        scorers.forEach(s -> sb.append("<th>").append(Html.escape(s)).append("</th>"));
        sb.append("</tr></thead>\n<tbody>\n");
        for (ExampleResult r : evaluation.rows()) {
            sb.append("<tr><td>").append(Html.escape(r.example().id())).append("</td>");
            sb.append("<td class=\"po-pre\">").append(Html.escape(inputsText(r.example().inputs()))).append("</td>");
            sb.append("<td class=\"po-pre\">").append(r.failed()
                    ? "<span class=\"po-bad\">error: " + Html.escape(r.error()) + "</span>"
                    : Html.escape(text(r.output()))).append("</td>");
            sb.append("<td class=\"po-pre\">").append(Html.escape(text(r.example().referenceOutput()))).append("</td>");
            sb.append("<td class=\"").append(scoreClass(r.score())).append("\">").append(Html.score(r.score()))
                    .append("</td>");
            for (String s : scorers) {
                Feedback f = r.feedback().get(s);
                sb.append("<td>");
                if (f != null) {
                    sb.append(Html.score(f.value()));
                    if (f.rationale() != null && !f.rationale().isBlank()) {
                        sb.append("<div class=\"po-note\">").append(Html.escape(f.rationale())).append("</div>");
                    }
                }
                sb.append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n<p class=\"po-metrics\">");
        evaluation.metrics().forEach((k, v) ->
                sb.append(Html.escape(k)).append(" = <b>").append(Html.score(v)).append("</b>; "));
        sb.append("score = <b>").append(Html.score(evaluation.score())).append("</b> over ")
                .append(evaluation.rows().size()).append(" rows, ").append(evaluation.failures()).append(" failed, ")
                .append(Html.duration(evaluation.duration())).append("</p>\n</div>\n");
        return sb.toString();
    }

    private void summary(StringBuilder sb) {
        OptimizationResult r = result;
        double delta = r.finalScore() - r.initialScore();
        sb.append("<div class=\"po-cards\">\n");
        card(sb, "Score", Html.score(r.initialScore()) + " &#8594; " + Html.score(r.finalScore()),
                "<span class=\"" + (delta > 0 ? "po-good" : delta < 0 ? "po-bad" : "po-flat") + "\">"
                        + Html.signed(delta) + "</span>");
        card(sb, "Metric calls", String.valueOf(r.metricCalls()), "cache hits excluded");
        card(sb, "Candidates", String.valueOf(r.candidates().size()), "best: #" + r.bestCandidate());
        card(sb, "Time", Html.escape(Html.duration(r.duration())), "wall time");
        sb.append("</div>\n<table class=\"po-kv\">\n");
        kv(sb, "Run", Html.escape(r.runId()));
        kv(sb, "Optimizer", Html.escape(r.optimizer()));
        kv(sb, "Stopped", Html.escape(r.stopReason().kind().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                + ": " + Html.escape(r.stopReason().description()));
        kv(sb, "Started from", uris(r.initialPrompts()));
        kv(sb, "Registered", r.optimizedPrompts().isEmpty()
                ? "nothing (" + (r.improved() ? "registration was off" : "no candidate beat the seed") + ")"
                : uris(r.optimizedPrompts()));
        sb.append("</table>\n");
    }

    private void promptDiffs(StringBuilder sb) {
        CandidateRecord seed = result.candidates().stream().filter(c -> c.index() == 0).findFirst().orElse(null);
        Map<String, PromptTemplate> before = new LinkedHashMap<>();
        if (seed != null) {
            before.putAll(seed.templates().asMap());
        } else {
            result.initialPrompts().forEach(v -> before.put(v.name(), v.template()));
        }
        if (result.bestTemplates().size() == 0) {
            sb.append("<p>No prompts.</p>\n");
            return;
        }
        sb.append("<p class=\"po-legend\"><del>deleted</del> <ins>inserted</ins></p>\n");
        for (Map.Entry<String, PromptTemplate> e : result.bestTemplates().asMap().entrySet()) {
            PromptTemplate old = before.get(e.getKey());
            String oldText = old == null ? "" : old.text();
            TextDiff diff = TextDiff.words(oldText, e.getValue().text());
            sb.append("<h3>").append(Html.escape(e.getKey())).append(diff.hasChanges() ? "" : " (unchanged)")
                    .append("</h3>\n<div class=\"po-diff\">").append(diff.toHtml()).append("</div>\n");
        }
    }

    private void scorerTable(StringBuilder sb) {
        Set<String> names = new LinkedHashSet<>(result.initialScores().keySet());
        names.addAll(result.finalScores().keySet());
        sb.append("<table class=\"po-table\">\n<thead><tr><th>scorer</th><th>seed</th><th>best</th><th>change</th>"
                + "</tr></thead>\n<tbody>\n");
        for (String n : names) {
            scorerRow(sb, Html.escape(n), result.initialScores().getOrDefault(n, Double.NaN),
                    result.finalScores().getOrDefault(n, Double.NaN));
        }
        scorerRow(sb, "<b>overall</b>", result.initialScore(), result.finalScore());
        sb.append("</tbody>\n</table>\n");
    }

    private static void scorerRow(StringBuilder sb, String name, double before, double after) {
        double d = after - before;
        sb.append("<tr><td>").append(name).append("</td><td>").append(Html.score(before)).append("</td><td>")
                .append(Html.score(after)).append("</td><td class=\"")
                .append(Double.isNaN(d) ? "po-flat" : d > 0 ? "po-good" : d < 0 ? "po-bad" : "po-flat").append("\">")
                .append(Html.signed(d)).append("</td></tr>\n");
    }

    private void candidateTable(StringBuilder sb) {
        Map<Integer, CandidateRecord> byIndex = new LinkedHashMap<>();
        result.candidates().forEach(c -> byIndex.put(c.index(), c));
        sb.append("<table class=\"po-table\">\n<thead><tr><th>#</th><th>parents</th><th>origin</th><th>score</th>"
                + "<th>found at call</th><th>prompt (changes from its first parent)</th></tr></thead>\n<tbody>\n");
        List<CandidateRecord> sorted = new ArrayList<>(result.candidates());
        sorted.sort(Comparator.comparingInt(CandidateRecord::index));
        for (CandidateRecord c : sorted) {
            boolean best = c.index() == result.bestCandidate();
            sb.append("<tr").append(best ? " class=\"po-best\"" : "").append("><td>#").append(c.index())
                    .append(best ? " (best)" : "").append("</td><td>");
            sb.append(c.parents().isEmpty() ? "&#8212;" : String.join(", ",
                    c.parents().stream().map(p -> "#" + p).toList()));
            sb.append("</td><td>").append(Html.escape(c.origin())).append("</td><td>").append(Html.score(c.score()))
                    .append("</td><td>").append(c.foundAtMetricCall()).append("</td><td>");
            CandidateRecord parent = c.parents().isEmpty() ? null : byIndex.get(c.parents().get(0));
            sb.append("<details><summary>").append(c.templates().size()).append(" prompt")
                    .append(c.templates().size() == 1 ? "" : "s").append("</summary>");
            for (Map.Entry<String, PromptTemplate> t : c.templates().asMap().entrySet()) {
                PromptTemplate from = parent == null ? null : parent.templates().asMap().get(t.getKey());
                String body = from == null ? Html.escape(t.getValue().text())
                        : TextDiff.words(from.text(), t.getValue().text()).toHtml();
                sb.append("<div class=\"po-name\">").append(Html.escape(t.getKey())).append("</div>")
                        .append("<div class=\"po-diff\">").append(body).append("</div>");
            }
            sb.append("</details></td></tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
    }

    private void usage(StringBuilder sb) {
        sb.append("<table class=\"po-kv\">\n");
        kv(sb, "Metric calls", String.valueOf(result.metricCalls()));
        kv(sb, "Wall time", Html.escape(Html.duration(result.duration())));
        if (result.metricCalls() > 0 && !result.duration().isZero()) {
            kv(sb, "Wall time per metric call", Html.escape(Html.duration(result.duration().dividedBy(result.metricCalls()))));
        }
        result.usage().costUsd().ifPresent(usd -> kv(sb, "Cost (USD)", Html.escape(json(usd))));
        result.usage().roles().forEach((role, u) -> kv(sb, "Model role " + Html.escape(role),
                Html.escape(u.calls() + " calls, " + u.inputTokens() + " tokens in, " + u.outputTokens()
                        + " tokens out, $" + json(u.costUsd()) + (u.complete() ? "" : "; " + u.unreportedCalls()
                        + " calls did not report their tokens, so these are lower bounds"))));
        if (result.stats().failedCalls() > 0) {
            kv(sb, "Failed calls", String.valueOf(result.stats().failedCalls()));
        }
        if (result.stats().hedgedCalls() > 0) {
            kv(sb, "Hedged calls", String.valueOf(result.stats().hedgedCalls()));
        }
        sb.append("</table>\n");
        if (!(result.optimizerStats() instanceof dev.promptopt.OptimizerStats.None)) {
            sb.append("<details><summary>Everything the optimizer reported (").append(Html.escape(result.optimizer()))
                    .append(")</summary>\n<pre class=\"po-pre\">").append(Html.escape(json(result.optimizerStats())))
                    .append("</pre></details>\n");
        }
    }

    private static String json(Object value) {
        return ReportJson.text(value);
    }

    private static void card(StringBuilder sb, String label, String value, String note) {
        sb.append("<div class=\"po-card\"><div class=\"po-label\">").append(label).append("</div><div class=\"po-value\">")
                .append(value).append("</div><div class=\"po-note\">").append(note).append("</div></div>\n");
    }

    private static void kv(StringBuilder sb, String key, String valueHtml) {
        sb.append("<tr><th>").append(key).append("</th><td>").append(valueHtml).append("</td></tr>\n");
    }

    private static String uris(List<PromptVersion> versions) {
        return versions.isEmpty() ? "&#8212;" : String.join(", ",
                versions.stream().map(v -> "<code>" + Html.escape(v.uri()) + "</code>").toList());
    }

    private static String inputsText(Map<String, Object> inputs) {
        if (inputs.size() == 1) {
            return text(inputs.values().iterator().next());
        }
        StringBuilder sb = new StringBuilder();
        inputs.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "\n").append(k).append(": ").append(text(v)));
        return sb.toString();
    }

    private static String text(Object value) {
        return value == null ? "" : json(value);
    }

    private static String scoreClass(double v) {
        return v >= 0.999 ? "po-good" : v <= 0.001 ? "po-bad" : "po-flat";
    }

    // Scoped to .po-report so that a fragment embedded in a notebook leaves the page around it alone.
    private static final String STYLE = """
            <style>
            .po-report{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;\
            color:#1f2328;line-height:1.45;max-width:1100px;margin:0 auto;padding:8px 16px}
            .po-report h1{font-size:1.5em;margin:.4em 0 .6em}
            .po-report h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
            .po-report h3{font-size:1em;margin:.8em 0 .3em}
            .po-report .po-cards{display:flex;flex-wrap:wrap;gap:12px;margin:.5em 0 1em}
            .po-report .po-card{border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:150px;background:#f6f8fa}
            .po-report .po-label{font-size:.8em;color:#57606a;text-transform:uppercase;letter-spacing:.04em}
            .po-report .po-value{font-size:1.45em;font-weight:600}
            .po-report .po-note{font-size:.82em;color:#57606a;white-space:pre-wrap}
            .po-report table{border-collapse:collapse;margin:.4em 0}
            .po-report .po-table th,.po-report .po-table td{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top;text-align:left}
            .po-report .po-table thead th{background:#f6f8fa}
            .po-report .po-kv th{text-align:left;white-space:nowrap;padding:2px 16px 2px 0;color:#57606a;font-weight:500;vertical-align:top}
            .po-report .po-kv td{padding:2px 0;text-align:left}
            .po-report .po-kv tr:nth-child(n){background:transparent}
            .po-report .po-good{color:#1a7f37;font-weight:600}
            .po-report .po-bad{color:#cf222e;font-weight:600}
            .po-report .po-flat{color:#57606a}
            .po-report tr.po-best td{background:#dafbe1}
            .po-report .po-diff,.po-report .po-pre{white-space:pre-wrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
            .po-report .po-diff{border:1px solid #d0d7de;border-radius:6px;padding:8px 10px;background:#fff}
            .po-report del{background:#ffebe9;color:#82071e;text-decoration:line-through}
            .po-report ins{background:#dafbe1;color:#116329;text-decoration:none}
            .po-report .po-legend{font-size:.85em}
            .po-report .po-name{font-weight:600;margin-top:4px}
            .po-report .po-scroll{overflow-x:auto}
            .po-report svg text{font-family:inherit}
            .po-report .po-metrics{font-size:.9em}
            </style>
            """;
}
