package dev.promptopt.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.CandidateRecord;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.StopReason;
import dev.promptopt.core.EvaluationResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class HtmlReportTest {
    static final String SEED = "Classify the sentiment of the text as positive, negative or neutral.\nText: {{text}}";
    static final String BEST = "Classify the sentiment of the review as positive, negative or neutral.\n"
            + "Answer with <label> only & nothing else.\nText: {{text}}";

    @Test
    void pageHasEveryPart() {
        String html = HtmlReport.of(realisticResult()).render();
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<title>Optimization of sentiment (run run-42)</title>")
                .contains("Score versus metric calls", "Seed versus best prompt", "Scores per scorer",
                        "Candidate lineage", "Calls, time and cost")
                .contains("class=\"po-chart\"", "class=\"po-lineage\"")
                .contains("prompts:/sentiment/1", "prompts:/sentiment/2")
                .contains("exact_match", "0.400", "0.800", "+0.400")
                .contains("metric calls spent", "1 min 05 s")
                .contains("Cost (USD)", "0.0421", "Model role task", "12345 tokens in", "Failed calls", "3")
                .contains("12 calls did not report their tokens, so these are lower bounds")
                .contains("Everything the optimizer reported", "dropped variable {{text}}")
                .doesNotContain("<script", "<link", "@import", "http://fonts", "https://");
        // One dot per candidate on the chart, one box per candidate in the lineage.
        assertThat(count(html, "<circle cx=")).isEqualTo(7 + 4); // candidates + legend
        assertThat(count(html, "<rect ")).isEqualTo(7);
        // Merge edges are dashed: candidate 6 has two parents.
        assertThat(count(html, "stroke-dasharray")).isEqualTo(2);
    }

    @Test
    void userTextIsEscaped() {
        String html = HtmlReport.of(realisticResult()).render();
        assertThat(html).contains("&lt;label&gt;", "&amp; nothing else")
                .doesNotContain("<label>")
                .contains("&lt;b&gt;odd&lt;/b&gt; &amp; origin")
                .doesNotContain("<b>odd</b>");
    }

    @Test
    void diffBetweenSeedAndBestMarksInsertionsAndDeletions() {
        String html = HtmlReport.of(realisticResult()).render();
        String section = html.substring(html.indexOf("Seed versus best prompt"), html.indexOf("Scores per scorer"));
        assertThat(section).contains("<del>text</del><ins>review</ins>")
                .contains("<ins>Answer with &lt;label&gt; only &amp; nothing else.\n</ins>");
    }

    @Test
    void renderedPageIsWellFormed() throws Exception {
        HtmlReport report = HtmlReport.of(realisticResult());
        Document page = parseXml(report.render());
        assertThat(page.getDocumentElement().getTagName()).isEqualTo("html");
        assertThat(page.getElementsByTagName("svg").getLength()).isEqualTo(2);
        parseXml(report.fragment());
        parseXml(HtmlReport.evaluationTable(evaluation()));
        assertThat(unbalancedTags(report.render())).isEmpty();
    }

    @Test
    void aRunWithOnlyTheSeedStillRenders() throws Exception {
        PromptSet seed = PromptSet.of("sentiment", PromptTemplate.text(SEED));
        OptimizationResult r = new OptimizationResult("r0", "gepa", List.of(), List.of(), seed, 0.5, 0.5,
                Map.of(), Map.of(), List.of(new CandidateRecord(0, seed, List.of(), "seed", 0.5, Map.of(), 0)), 0, 0,
                new StopReason(StopReason.Kind.METRIC_CALLS, "budget spent"), Duration.ZERO, dev.promptopt.RunStats.none(),
                dev.promptopt.RunUsage.none(), dev.promptopt.OptimizerStats.none());
        String html = HtmlReport.of(r).render();
        parseXml(html);
        assertThat(html).contains("sentiment (unchanged)", "nothing (no candidate beat the seed)");
    }

    @Test
    void writeToAFolderWritesReportHtmlInsideIt(@TempDir Path dir) throws Exception {
        Path written = HtmlReport.of(realisticResult()).writeTo(dir);
        assertThat(written).isEqualTo(dir.resolve("report.html"));
        assertThat(Files.readString(written)).contains("Candidate lineage");

        Path file = HtmlReport.of(realisticResult()).withTitle("Mine").writeTo(dir.resolve("sub/page.html"));
        assertThat(Files.readString(file)).contains("<title>Mine</title>");
    }

    @Test
    void evaluationTableShowsRowsAndMetricsEscaped() {
        String html = HtmlReport.evaluationTable(evaluation());
        assertThat(html).contains("<table", "s01", "I &lt;3 it", "positive", "exact_match", "expected &lt;neg&gt;")
                .contains("score = <b>0.500</b> over 2 rows, 1 failed");
    }

    static EvaluationResult evaluation() {
        Example e1 = Example.of("s01", Map.of("text", "I <3 it"), "positive");
        Example e2 = Example.of("s02", Map.of("text", "meh"), "<neg>");
        return new EvaluationResult(List.of(
                new ExampleResult(e1, "positive", Map.of("exact_match", Feedback.of(1.0, "matches")), 1.0, null,
                        10_000_000L, false),
                new ExampleResult(e2, null, Map.of("exact_match", Feedback.of(0.0, "expected <neg>")), 0.0, "timeout",
                        10_000_000L, false)),
                Map.of("exact_match", 0.5), 0.5, 2, Duration.ofMillis(20));
    }

    static OptimizationResult realisticResult() {
        PromptTemplate seed = PromptTemplate.text(SEED);
        PromptTemplate best = PromptTemplate.text(BEST);
        List<CandidateRecord> cands = new ArrayList<>();
        cands.add(cand(0, SEED, List.of(), "seed", 0.4, 10));
        cands.add(cand(1, SEED.replace("Classify", "Label"), List.of(0), "reflection", 0.5, 22));
        cands.add(cand(2, SEED + "\nBe brief.", List.of(0), "reflection", 0.3, 35));
        cands.add(cand(3, BEST.replace("review", "text"), List.of(1), "reflection", 0.6, 48));
        cands.add(cand(4, BEST, List.of(3), "reflection", 0.8, 61));
        cands.add(cand(5, SEED, List.of(2), "<b>odd</b> & origin", 0.2, 70));
        cands.add(cand(6, BEST, List.of(4, 1), "merge", 0.7, 83));
        record Facts(int iterations, Map<String, Integer> rejectionReasons) implements dev.promptopt.OptimizerStats {
        }
        return new OptimizationResult("run-42", "gepa",
                List.of(version(1, seed)), List.of(version(2, best)), PromptSet.of("sentiment", best), 0.4, 0.8,
                Map.of("exact_match", 0.4), Map.of("exact_match", 0.8), cands, 4, 90,
                new StopReason(StopReason.Kind.METRIC_CALLS, "metric calls spent (90 of 90)"), Duration.ofSeconds(65),
                new dev.promptopt.RunStats(3, 0, List.of(), List.of(), List.of()),
                new dev.promptopt.RunUsage(0.0421, Map.of("task", new dev.promptopt.RunUsage.RoleUsage(90, 12345, 900, 0.0421),
                        "judge", new dev.promptopt.RunUsage.RoleUsage(90, 800, 90, 0.001, 12))),
                new Facts(6, Map.of("dropped variable {{text}}", 2)));
    }

    private static CandidateRecord cand(int i, String text, List<Integer> parents, String origin, double score, long at) {
        return new CandidateRecord(i, PromptSet.of("sentiment", PromptTemplate.text(text)), parents, origin, score,
                Map.of("s01", score), at);
    }

    private static PromptVersion version(int v, PromptTemplate t) {
        return new PromptVersion("sentiment", v, t, "msg", Map.of(), java.util.Set.of(), Instant.EPOCH);
    }

    private static Document parseXml(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** Open and close tags must pair up in order (self-closing tags aside). */
    private static List<String> unbalancedTags(String html) {
        Matcher m = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>").matcher(html);
        List<String> stack = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        while (m.find()) {
            String name = m.group(2).toLowerCase();
            if (!m.group(3).isEmpty()) {
                continue;
            }
            if (m.group(1).isEmpty()) {
                stack.add(name);
            } else if (!stack.isEmpty() && stack.get(stack.size() - 1).equals(name)) {
                stack.remove(stack.size() - 1);
            } else {
                problems.add("</" + name + "> at " + m.start() + " closes " + stack);
            }
        }
        stack.forEach(s -> problems.add("<" + s + "> never closed"));
        return problems;
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
