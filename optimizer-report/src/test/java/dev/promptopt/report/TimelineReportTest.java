package dev.promptopt.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.OptimizationEvent;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The wall-time views of the report, from a timeline fed events on a scripted clock. */
class TimelineReportTest {
    private static final long SECOND = 1_000_000_000L;

    private static Timeline timeline() {
        AtomicLong now = new AtomicLong();
        Timeline t = Timeline.start(now::get);
        t.onEvent(new OptimizationEvent.CandidateAccepted(0, 0, List.of(), 0.4, true));
        // proposals 1 and 2 overlap: 2 starts before 1 ends
        now.set(1 * SECOND);
        t.onEvent(new OptimizationEvent.IterationStarted(1));
        now.set(2 * SECOND);
        t.onEvent(new OptimizationEvent.IterationStarted(2));
        now.set(3 * SECOND);
        t.onEvent(new OptimizationEvent.CandidateEvaluated(2, "minibatch", 3, 0.5, 20));
        now.set(4 * SECOND);
        t.onEvent(new OptimizationEvent.CandidateAccepted(1, 1, List.of(0), 0.6, true));
        now.set(5 * SECOND);
        t.onEvent(new OptimizationEvent.CandidateRejected(2, "not_better: ..."));
        now.set(6 * SECOND);
        t.onEvent(new OptimizationEvent.IterationStarted(3));
        now.set(8 * SECOND);
        t.onEvent(new OptimizationEvent.CandidateAccepted(3, 2, List.of(1), 0.7, true));
        return t;
    }

    @Test
    void aTimelineKnowsWhenEachCandidateWasAcceptedAndWhichProposalsOverlapped() {
        Timeline t = timeline();
        assertThat(t.acceptedAt()).containsEntry(0, 0.0).containsEntry(1, 4.0).containsEntry(2, 8.0);
        assertThat(t.proposals().get(1)).isEqualTo(new Timeline.Span(1, 1.0, 4.0, "accepted"));
        assertThat(t.proposals().get(2)).isEqualTo(new Timeline.Span(2, 2.0, 5.0, "rejected"));
        assertThat(t.maxInFlight()).isEqualTo(2);
        assertThat(t.seconds()).isEqualTo(8.0);
    }

    @Test
    void withATimelineTheReportPlotsScoreAgainstWallTimeAndTheProposalsInFlight() {
        String plain = HtmlReport.of(HtmlReportTest.realisticResult()).render();
        String html = HtmlReport.of(HtmlReportTest.realisticResult()).withTimeline(timeline()).render();
        assertThat(plain).doesNotContain("Score versus wall time", "Proposals in flight");
        assertThat(html).contains("Score versus wall time", "wall time (s)", "Proposals in flight",
                "at most 2 were in flight at once", "proposal 2 rejected: 2.0 s to 5.0 s");
        // the three candidates the timeline saw accepted are plotted at their second
        assertThat(html).contains("at second 4.0", "at second 8.0");
    }
}
