package dev.promptopt.core;

import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display on stderr for long runs: metric calls against the budget, iteration,
 * best score. Off unless you add it; examples turn it on.
 *
 * <pre>{@code
 * PromptOptimizer.builder()...listener(ConsoleProgressListener.create()).run();
 * }</pre>
 */
public final class ConsoleProgressListener implements OptimizationListener {
    private final PrintStream out;
    private final boolean redraw;
    private int iteration;
    private double seedScore = Double.NaN;
    private double best = Double.NaN;
    private long calls;
    private Long maxCalls;
    private double cost = Double.NaN;
    private long lastPrintNanos;

    private ConsoleProgressListener(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    /** Redraws one line when stderr is a terminal, else prints a line per step. */
    public static ConsoleProgressListener create() {
        return new ConsoleProgressListener(System.err, System.console() != null);
    }

    /** Writes to the given stream, one line per step (for logs and notebooks). */
    public static ConsoleProgressListener to(PrintStream out) {
        return new ConsoleProgressListener(out, false);
    }

    @Override
    public synchronized void onEvent(OptimizationEvent event) {
        if (event instanceof OptimizationEvent.RunStarted s) {
            maxCalls = s.budget().maxMetricCalls();
            line(String.format(Locale.ROOT, "run %s: %s on %s, %d train / %d validation examples", s.runId(),
                    s.optimizer(), s.prompts(), s.trainSize(), s.validationSize()), true);
        } else if (event instanceof OptimizationEvent.IterationStarted i) {
            iteration = i.iteration();
        } else if (event instanceof OptimizationEvent.CandidateEvaluated e) {
            if (e.phase().equals("baseline")) {
                seedScore = e.score();
                best = e.score();
            }
            calls = e.metricCallsUsed();
            status(false);
        } else if (event instanceof OptimizationEvent.CandidateAccepted a) {
            if (a.newBest()) {
                best = Double.isNaN(best) ? a.score() : Math.max(best, a.score());
            }
            status(true);
        } else if (event instanceof OptimizationEvent.BudgetUpdated b) {
            calls = b.metricCallsUsed();
            cost = b.costUsd();
            status(false);
        } else if (event instanceof OptimizationEvent.RunFinished f) {
            calls = f.metricCalls();
            best = f.finalScore();
            status(true);
            line(String.format(Locale.ROOT, "done: score %.4f -> %.4f, %d metric calls, %.1f s (%s)",
                    f.initialScore(), f.finalScore(), f.metricCalls(), f.elapsed().toMillis() / 1000.0,
                    f.stopReason().description()), true);
        }
    }

    private void status(boolean force) {
        long now = System.nanoTime();
        if (!force && !redraw && now - lastPrintNanos < 2_000_000_000L) {
            return; // without a terminal, print at most every 2 s
        }
        lastPrintNanos = now;
        String budget = maxCalls == null ? String.valueOf(calls) : calls + "/" + maxCalls;
        String bar = "";
        if (maxCalls != null) {
            int width = 24;
            int filled = (int) Math.min(width, calls * width / Math.max(1, maxCalls));
            bar = "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] ";
        }
        String dollars = Double.isNaN(cost) ? "" : String.format(Locale.ROOT, " | $%.4f", cost);
        line(String.format(Locale.ROOT, "%smetric calls %s | iteration %d | best %s (seed %s)%s", bar, budget,
                iteration, score(best), score(seedScore), dollars), false);
    }

    private static String score(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private void line(String text, boolean permanent) {
        if (redraw) {
            out.print("\r\033[K" + text + (permanent ? "\n" : ""));
        } else {
            out.println(text);
        }
        out.flush();
    }
}
