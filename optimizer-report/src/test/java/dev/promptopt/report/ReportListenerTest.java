package dev.promptopt.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With optimizer-report on the class path, every run writes its report.html when it finishes. */
class ReportListenerTest {
    private static final Dataset DATA = Dataset.of("train", List.of(
            Example.of("a", Map.of("text", "I love it"), "positive"),
            Example.of("b", Map.of("text", "I hate it"), "negative"),
            Example.of("c", Map.of("text", "It is Tuesday"), "neutral")));
    private static final Map<String, String> LABELS = Map.of("I love it", "positive", "I hate it", "negative",
            "It is Tuesday", "neutral");

    @TempDir
    Path dir;

    /** The predict function answers with the bare label only when the prompt asks for one word. */
    private PromptOptimizer.Builder setup() {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register("sentiment", "Classify.\nText: {{text}}");
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/sentiment/1")
                .predictFn((inputs, prompts) -> {
                    String label = LABELS.get(String.valueOf(inputs.get("text")));
                    return prompts.get("sentiment").text().contains("Answer with one word.") ? label
                            : "The sentiment is " + label + ".";
                })
                .trainData(DATA).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("sentiment", List.of("Answer with one word.")))
                .budget(Budget.metricCalls(50)).runDirectory(dir.resolve("runs"));
    }

    @Test
    void aDefaultRunWritesReportHtmlInItsRunFolder() throws Exception {
        OptimizationResult result = setup().run();

        assertThat(result.finalScore()).isEqualTo(1.0);
        Path page = dir.resolve("runs").resolve(result.runId()).resolve(HtmlReport.FILE_NAME);
        assertThat(Files.readString(page)).startsWith("<!DOCTYPE html>").contains("<svg")
                .contains("Answer with one word.").contains(result.runId())
                // the wall-time views come from the listener's timeline
                .contains("Score versus wall time");
        try (var files = Files.list(page.getParent())) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void defaultListenersFalseWritesNoReport() {
        OptimizationResult result = setup().defaultListeners(false).run();

        assertThat(dir.resolve("runs").resolve(result.runId()).resolve("result.json")).exists();
        assertThat(dir.resolve("runs").resolve(result.runId()).resolve(HtmlReport.FILE_NAME)).doesNotExist();
    }

    @Test
    void aReportListenerWritesTheReportWhereItIsTold() throws Exception {
        OptimizationResult result = setup().defaultListeners(false)
                .listener(ReportListener.inRunFolders(dir.resolve("reports"))).run();

        assertThat(Files.readString(dir.resolve("reports").resolve(result.runId()).resolve(HtmlReport.FILE_NAME)))
                .contains("Answer with one word.").contains(result.runId());
        assertThat(dir.resolve("runs").resolve(result.runId()).resolve(HtmlReport.FILE_NAME)).doesNotExist();
    }
}
