package dev.promptopt.report;

import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationListener;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Writes a run's {@link HtmlReport} when the run finishes: {@code <runsDirectory>/<runId>/report.html}, with the
 * wall-time views of a {@link Timeline} it keeps while the run goes. With this module on the class path every run
 * gets one for its run folder (through {@link dev.promptopt.RunListenerProvider}); add your own to write the report
 * elsewhere.
 *
 * <pre>{@code
 * PromptOptimizer.builder()...listener(ReportListener.inRunFolders(Path.of("reports"))).run();
 * // reports/<runId>/report.html
 * }</pre>
 *
 * <p>Thread-safe. One listener serves one run (its timeline starts when the listener is made).
 */
public final class ReportListener implements OptimizationListener {
    private final Path runsDirectory;
    private final Timeline timeline;

    private ReportListener(Path runsDirectory, LongSupplier nanoClock) {
        this.runsDirectory = Objects.requireNonNull(runsDirectory, "runsDirectory");
        this.timeline = Timeline.start(nanoClock);
    }

    /** Reports go to {@code <runsDirectory>/<runId>/report.html}; the timeline runs on {@link System#nanoTime()}. */
    public static ReportListener inRunFolders(Path runsDirectory) {
        return new ReportListener(runsDirectory, System::nanoTime);
    }

    /** As {@link #inRunFolders(Path)}, with the timeline on another clock (nanoseconds), e.g. a test's. */
    public static ReportListener inRunFolders(Path runsDirectory, LongSupplier nanoClock) {
        return new ReportListener(runsDirectory, Objects.requireNonNull(nanoClock, "nanoClock"));
    }

    @Override
    public void onEvent(OptimizationEvent event) {
        timeline.onEvent(event);
        if (event instanceof OptimizationEvent.RunFinished finished) {
            HtmlReport.of(finished.result()).withTimeline(timeline)
                    .writeTo(runsDirectory.resolve(finished.result().runId()).resolve(HtmlReport.FILE_NAME));
        }
    }
}
