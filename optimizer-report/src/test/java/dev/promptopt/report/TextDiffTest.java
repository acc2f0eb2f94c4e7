package dev.promptopt.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.report.TextDiff.Kind;
import dev.promptopt.report.TextDiff.Segment;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TextDiffTest {

    @Test
    void identicalTextsAreOneEqualSegment() {
        TextDiff d = TextDiff.words("Classify the text.", "Classify the text.");
        assertThat(d.segments()).containsExactly(new Segment(Kind.EQUAL, "Classify the text."));
        assertThat(d.hasChanges()).isFalse();
    }

    @Test
    void anInsertedWordIsMarkedInserted() {
        TextDiff d = TextDiff.words("Classify the text.", "Classify the short text.");
        assertThat(d.segments()).containsExactly(
                new Segment(Kind.EQUAL, "Classify the "),
                new Segment(Kind.INSERTED, "short "),
                new Segment(Kind.EQUAL, "text."));
        assertThat(d.deleted()).isEmpty();
    }

    @Test
    void aDeletedWordIsMarkedDeleted() {
        TextDiff d = TextDiff.words("Answer with one single word.", "Answer with one word.");
        assertThat(d.deleted()).containsExactly("single ");
        assertThat(d.inserted()).isEmpty();
    }

    @Test
    void aReplacedPhraseIsOneDeletionThenOneInsertion() {
        TextDiff d = TextDiff.words("the quick brown fox jumps", "the slow red fox jumps high");
        assertThat(d.segments()).containsExactly(
                new Segment(Kind.EQUAL, "the "),
                new Segment(Kind.DELETED, "quick brown"),
                new Segment(Kind.INSERTED, "slow red"),
                new Segment(Kind.EQUAL, " fox jumps"),
                new Segment(Kind.INSERTED, " high"));
    }

    @Test
    void punctuationAndNewlinesAreTokensOfTheirOwn() {
        TextDiff d = TextDiff.words("Text: {{text}}", "Think first.\nText: {{text}}\nLabel:");
        assertThat(d.inserted()).containsExactly("Think first.\n", "\nLabel:");
        assertThat(d.deleted()).isEmpty();
    }

    @Test
    void bothTextsReadBackFromTheSegments() {
        String a = "Classify the sentiment of the text as positive, negative or neutral.\nText: {{text}}";
        String b = "You are a careful annotator. Decide if the review is positive, negative or neutral;"
                + " answer with the label only.\nReview: {{text}}\nLabel:";
        TextDiff d = TextDiff.words(a, b);
        assertThat(join(d.segments(), Kind.INSERTED)).isEqualTo(a);
        assertThat(join(d.segments(), Kind.DELETED)).isEqualTo(b);
        for (int i = 1; i < d.segments().size(); i++) {
            assertThat(d.segments().get(i).kind()).isNotEqualTo(d.segments().get(i - 1).kind());
        }
    }

    @Test
    void emptySidesAreWhollyInsertedOrDeleted() {
        assertThat(TextDiff.words("", "new prompt").segments()).containsExactly(new Segment(Kind.INSERTED, "new prompt"));
        assertThat(TextDiff.words("old prompt", "").segments()).containsExactly(new Segment(Kind.DELETED, "old prompt"));
        assertThat(TextDiff.words("", "").segments()).isEmpty();
    }

    @Test
    void htmlEscapesTextAndMarksChanges() {
        TextDiff d = TextDiff.words("Reply <label> & stop", "Reply <label> & \"done\"");
        assertThat(d.toHtml()).isEqualTo("Reply &lt;label&gt; &amp; <del>stop</del><ins>&quot;done&quot;</ins>");
    }

    /** The text of every segment except those of the given kind. */
    private static String join(List<Segment> segments, Kind skip) {
        return segments.stream().filter(s -> s.kind() != skip).map(Segment::text).collect(Collectors.joining());
    }
}
