package dev.promptopt.report;

import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationListener;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * A listener that notes when things happened during a run, for the report's wall-time views: the second each
 * candidate was accepted, and when each proposal (an optimizer iteration) started and ended, so proposals in
 * flight together show as overlapping bars. Register it with the run and hand it to the report.
 *
 * <pre>{@code
 * Timeline timeline = Timeline.start();
 * OptimizationResult result = PromptOptimizer.builder()...listener(timeline).run();
 * HtmlReport.of(result).withTimeline(timeline).writeTo(dir);
 * }</pre>
 *
 * <p>Thread-safe: events may arrive from several threads.
 */
public final class Timeline implements OptimizationListener {
    /** When one proposal started and last reported, in seconds since the timeline started. */
    public record Span(int proposal, double start, double end, String outcome) {
    }

    private final LongSupplier nanoClock;
    private final long origin;
    private final Map<Integer, Double> acceptedAt = new TreeMap<>();
    private final Map<Integer, Span> spans = new TreeMap<>();
    private double last;

    private Timeline(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.origin = nanoClock.getAsLong();
    }

    /** A timeline starting now, on {@link System#nanoTime()}. */
    public static Timeline start() {
        return new Timeline(System::nanoTime);
    }

    /** A timeline on another clock (nanoseconds), e.g. a test's. */
    public static Timeline start(LongSupplier nanoClock) {
        return new Timeline(Objects.requireNonNull(nanoClock, "nanoClock"));
    }

    @Override
    public synchronized void onEvent(OptimizationEvent event) {
        double t = (nanoClock.getAsLong() - origin) / 1e9;
        last = Math.max(last, t);
        if (event instanceof OptimizationEvent.IterationStarted s) {
            spans.put(s.iteration(), new Span(s.iteration(), t, t, "running"));
        } else if (event instanceof OptimizationEvent.CandidateEvaluated e) {
            touch(e.iteration(), t, null);
        } else if (event instanceof OptimizationEvent.CandidateProposed p) {
            touch(p.iteration(), t, null);
        } else if (event instanceof OptimizationEvent.CandidateAccepted a) {
            acceptedAt.putIfAbsent(a.candidateIndex(), t);
            touch(a.iteration(), t, "accepted");
        } else if (event instanceof OptimizationEvent.CandidateRejected r) {
            touch(r.iteration(), t, "rejected");
        }
    }

    private void touch(int proposal, double t, String outcome) {
        Span s = spans.get(proposal);
        if (s != null) {
            spans.put(proposal, new Span(proposal, s.start(), t, outcome == null ? s.outcome() : outcome));
        }
    }

    /** Candidate index -> seconds from the start until it was accepted. */
    public synchronized Map<Integer, Double> acceptedAt() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(acceptedAt));
    }

    /** Proposal number -> its span, ascending. */
    public synchronized Map<Integer, Span> proposals() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(spans));
    }

    /** Seconds from the start to the last event seen. */
    public synchronized double seconds() {
        return last;
    }

    /** The most proposals that were in flight at one time. */
    public synchronized int maxInFlight() {
        int max = 0;
        for (Span a : spans.values()) {
            int n = 0;
            for (Span b : spans.values()) {
                if (b.start() <= a.start() && b.end() >= a.start()) {
                    n++;
                }
            }
            max = Math.max(max, n);
        }
        return max;
    }
}
