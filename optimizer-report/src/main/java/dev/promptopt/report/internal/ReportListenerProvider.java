package dev.promptopt.report.internal;

import dev.promptopt.OptimizationListener;
import dev.promptopt.RunListenerProvider;
import dev.promptopt.report.ReportListener;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Registers a {@link ReportListener} with every run (listed in {@code META-INF/services}), so that a run writes
 * {@code <runsDirectory>/<runId>/report.html} as soon as optimizer-report is on the class path. Not public API.
 */
public final class ReportListenerProvider implements RunListenerProvider {
    /** For {@link java.util.ServiceLoader}. */
    public ReportListenerProvider() {
    }

    @Override
    public String name() {
        return "html-report";
    }

    @Override
    public OptimizationListener listener(Path runsDirectory, LongSupplier nanoClock) {
        return ReportListener.inRunFolders(runsDirectory, nanoClock);
    }
}
