package dev.promptopt;

import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Gives every run a listener by default, found through {@link java.util.ServiceLoader} (via
 * {@link dev.promptopt.spi.Services}): a module on the class path that should act on each run without being
 * wired in (optimizer-report writes {@code runs/<runId>/report.html}) registers one. The run builder asks each
 * provider for a fresh listener per run; {@code PromptOptimizer.builder().defaultListeners(false)} turns them off.
 *
 * <pre>{@code
 * // META-INF/services/dev.promptopt.RunListenerProvider lists the class
 * public final class ReportListenerProvider implements RunListenerProvider {
 *     public String name() { return "html-report"; }
 *     public OptimizationListener listener(Path runsDirectory, LongSupplier nanoClock) {
 *         return ReportListener.inRunFolders(runsDirectory, nanoClock);
 *     }
 * }
 * }</pre>
 */
public interface RunListenerProvider {
    /** A short name for logs and messages, e.g. {@code html-report}. */
    String name();

    /**
     * A listener for one run.
     *
     * @param runsDirectory the folder holding the run folders ({@code <runsDirectory>/<runId>} is this run's)
     * @param nanoClock     the run's clock (nanoseconds), so that what the listener times agrees with the run
     */
    OptimizationListener listener(Path runsDirectory, LongSupplier nanoClock);
}
