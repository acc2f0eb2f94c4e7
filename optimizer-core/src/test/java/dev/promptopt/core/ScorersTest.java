package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.InvalidInputException;
import dev.promptopt.ModelResponse;
import dev.promptopt.Scorer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScorersTest {
    private static final String NEEDS_REFERENCE = "a reference output ('outputs' or expectations.expected_response)";

    private static Example ref(Object reference) {
        return Example.of("e1", Map.of("text", "t"), reference);
    }

    private static Example noReference() {
        return Example.of("e0", Map.of("text", "t"), null);
    }

    private static Feedback score(Scorer s, Example e, Object output) {
        try {
            return s.score(e, output);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void builtInScorersHaveTheirMetricNamesAndUseNoModel() {
        assertThat(List.of(Scorers.exactMatch(), Scorers.contains("x"), Scorers.containsReference(), Scorers.regex("x"),
                Scorers.jsonMatch(), Scorers.numeric(0)))
                .extracting(Scorer::name)
                .containsExactly("exact_match", "contains", "contains", "regex", "json_match", "numeric");
        assertThat(Scorers.jsonMatch().usesModel()).isFalse();
    }

    @Nested
    class ExactMatch {
        @Test
        void byDefaultOnlySurroundingWhitespaceIsIgnored() {
            Scorer s = Scorers.exactMatch();
            assertThat(score(s, ref("positive"), "  positive\n").value()).isEqualTo(1.0);
            assertThat(score(s, ref("positive"), "Positive").value()).isEqualTo(0.0);
            assertThat(score(s, ref("a b"), "a  b").value()).isEqualTo(0.0);
        }

        @Test
        void aMismatchSaysWhatWasExpectedAndWhatCameBack() {
            Feedback f = score(Scorers.exactMatch(), ref("positive"), "Positive");
            assertThat(f.rationale()).isEqualTo("expected \"positive\" but got \"Positive\" (they differ only in letter case)");
            assertThat(score(Scorers.exactMatch(), ref("positive"), "\"positive.\"").rationale())
                    .endsWith("(they differ only in case, whitespace, quotes or punctuation)");
            assertThat(score(Scorers.exactMatch(), ref("positive"), "The sentiment is positive").rationale())
                    .endsWith("(the output contains the expected text plus more)");
            assertThat(score(Scorers.exactMatch(), ref("positive"), "negative").rationale())
                    .isEqualTo("expected \"positive\" but got \"negative\"");
        }

        @Test
        void eachNormalizationOptionIgnoresItsDifference() {
            assertThat(score(Scorers.exactMatch(MatchOptions.ofDefaults().ignoreCase(true)), ref("Positive"), "POSITIVE").value()).isEqualTo(1.0);
            assertThat(score(Scorers.exactMatch(MatchOptions.ofDefaults().normalizeWhitespace(true)), ref("New York"), "New \n\t York").value())
                    .isEqualTo(1.0);
            assertThat(score(Scorers.exactMatch(MatchOptions.ofDefaults().stripQuotes(true)), ref("positive"), "\"positive\"").value()).isEqualTo(1.0);
            assertThat(score(Scorers.exactMatch(MatchOptions.ofDefaults().stripQuotes(true)), ref("positive"), "\u201C'positive'\u201D").value())
                    .isEqualTo(1.0);
            assertThat(score(Scorers.exactMatch(MatchOptions.ofDefaults().stripPunctuation(true)), ref("positive"), "positive!").value())
                    .isEqualTo(1.0);
            assertThat(score(Scorers.exactMatch(MatchOptions.ofDefaults().stripQuotes(true)), ref("positive"), "positive!").value())
                    .isEqualTo(0.0);
        }

        @Test
        void lenientOptionsCombineEveryNormalizationAndTheRationaleSaysSo() {
            Feedback f = score(Scorers.exactMatch(MatchOptions.lenient()), ref("new york"), " \"New   York.\" ");
            assertThat(f.value()).isEqualTo(1.0);
            assertThat(f.rationale()).isEqualTo(
                    "output matches the reference \"new york\" (ignoring case, whitespace, surrounding quotes and punctuation)");
        }

        @Test
        void optionsAreImmutable() {
            MatchOptions base = MatchOptions.ofDefaults();
            MatchOptions changed = base.ignoreCase(true);
            assertThat(base.ignoreCase()).isFalse();
            assertThat(changed.ignoreCase()).isTrue();
            assertThat(changed.normalize("  A  ")).isEqualTo("a");
            assertThat(base.description()).isEmpty();
        }

        @Test
        void usesTheExpectedResponseWhenThereAreNoOutputs() {
            Example e = Example.withExpectations("e", Map.of("t", 1), Map.of("expected_response", "yes"));
            assertThat(score(Scorers.exactMatch(), e, "yes").value()).isEqualTo(1.0);
        }

        @Test
        void comparesTheTextOfAModelResponseAndNonStringValues() {
            assertThat(score(Scorers.exactMatch(), ref("hi"), ModelResponse.of("hi")).value()).isEqualTo(1.0);
            assertThat(score(Scorers.exactMatch(), ref("42"), 42).value()).isEqualTo(1.0);
        }

        @Test
        void longTextsAreTruncatedInTheRationale() {
            String longText = "x".repeat(1000);
            Feedback f = score(Scorers.exactMatch(), ref("short"), longText);
            assertThat(f.rationale()).contains("...\" (1000 chars)").hasSizeLessThan(300);
        }

        @Test
        void aNullOutputFails() {
            Feedback f = score(Scorers.exactMatch(), ref("yes"), null);
            assertThat(f.value()).isEqualTo(0.0);
            assertThat(f.rationale()).isEqualTo("expected \"yes\" but the output was empty (null)");
        }

        @Test
        void anExampleWithoutReferenceIsReportedAsMissingARequirement() {
            assertThat(Scorers.exactMatch().missingRequirements(noReference())).containsExactly(NEEDS_REFERENCE);
            assertThat(Scorers.exactMatch().missingRequirements(ref("x"))).isEmpty();
        }
    }

    @Nested
    class Contains {
        @Test
        void passesWhenTheOutputContainsTheText() {
            Scorer s = Scorers.contains("refund");
            Feedback pass = score(s, noReference(), "We will refund you.");
            assertThat(pass.value()).isEqualTo(1.0);
            assertThat(pass.rationale()).isEqualTo("output contains \"refund\"");
            Feedback fail = score(s, noReference(), "We will not pay.");
            assertThat(fail.value()).isEqualTo(0.0);
            assertThat(fail.rationale()).isEqualTo("output does not contain \"refund\"; got \"We will not pay.\"");
            assertThat(score(s, noReference(), "REFUND").value()).isEqualTo(0.0);
        }

        @Test
        void optionsNormalizeBothSides() {
            Scorer s = Scorers.contains("Refund  Policy", MatchOptions.ofDefaults().ignoreCase(true).normalizeWhitespace(true));
            assertThat(score(s, noReference(), "see our refund\npolicy").value()).isEqualTo(1.0);
        }

        @Test
        void aFixedTextNeedsNoReference() {
            assertThat(Scorers.contains("x").missingRequirements(noReference())).isEmpty();
        }

        @Test
        void containsReferenceLooksForTheReferenceOutput() {
            Scorer s = Scorers.containsReference(MatchOptions.ofDefaults().ignoreCase(true));
            assertThat(score(s, ref("positive"), "The sentiment is Positive.").value()).isEqualTo(1.0);
            assertThat(score(s, ref("positive"), "negative").value()).isEqualTo(0.0);
            assertThat(s.missingRequirements(noReference())).containsExactly(NEEDS_REFERENCE);
        }

        @Test
        void aBlankTextIsRefused() {
            assertThatThrownBy(() -> Scorers.contains(" "))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("must not be blank");
        }
    }

    @Nested
    class Regex {
        @Test
        void passesWhenThePatternIsFoundAnywhere() {
            Scorer s = Scorers.regex("\\d{4}-\\d{2}-\\d{2}");
            Feedback f = score(s, noReference(), "Due on 2024-01-02.");
            assertThat(f.value()).isEqualTo(1.0);
            assertThat(f.rationale()).isEqualTo("output matches /\\d{4}-\\d{2}-\\d{2}/ at \"2024-01-02\"");
            assertThat(s.missingRequirements(noReference())).isEmpty();
        }

        @Test
        void anchoredPatternsMustMatchTheWholeOutput() {
            Scorer s = Scorers.regex("^(positive|negative)$");
            assertThat(score(s, noReference(), "positive").value()).isEqualTo(1.0);
            Feedback f = score(s, noReference(), "positive!");
            assertThat(f.value()).isEqualTo(0.0);
            assertThat(f.rationale()).isEqualTo("output does not match /^(positive|negative)$/; got \"positive!\"");
        }

        @Test
        void anInvalidPatternIsRefusedNamingIt() {
            assertThatThrownBy(() -> Scorers.regex("(unclosed"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("regex scorer: invalid pattern '(unclosed': Unclosed group");
        }
    }

    @Nested
    class JsonMatch {
        private final Scorer s = Scorers.jsonMatch();

        @Test
        void identicalObjectsScoreOneRegardlessOfKeyOrderAndNumberSpelling() {
            Feedback f = score(s, ref("{\"name\": \"Ann\", \"age\": 30, \"address\": {\"city\": \"Paris\", \"zip\": \"75001\"}}"),
                    "{\"address\": {\"zip\": \"75001\", \"city\": \"Paris\"}, \"age\": 30.0, \"name\": \"Ann\"}");
            assertThat(f.value()).isEqualTo(1.0);
            assertThat(f.rationale()).isEqualTo("all 3 fields match the reference");
        }

        @Test
        void partialMatchesGetF1OfFieldPrecisionAndRecallAndTheRationaleNamesEachDifference() {
            Feedback f = score(s, ref("{\"a\": 1, \"b\": 2, \"c\": \"Paris\"}"), "{\"a\": 1, \"b\": 5, \"d\": true}");
            // 1 matching field of 3 in the output and 3 in the reference: P = R = F1 = 1/3
            assertThat(f.value()).isCloseTo(1.0 / 3, within(1e-9));
            assertThat(f.details()).containsEntry("matching_fields", List.of("a"));
            assertThat((double) f.details().get("precision")).isCloseTo(1.0 / 3, within(1e-9));
            assertThat(f.rationale()).isEqualTo("1 of 3 reference fields match (precision 0.33, recall 0.33, F1 0.33)."
                    + " Wrong values: 'b': expected 2, got 5. Missing fields: 'c' (expected \"Paris\"). Unexpected fields: 'd'.");
        }

        @Test
        void precisionAndRecallDifferWhenTheOutputHasFewerFields() {
            Feedback f = score(s, ref("{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}"), "{\"a\": 1, \"b\": 2}");
            // P = 2/2, R = 2/4, F1 = 2 * 1 * 0.5 / 1.5
            assertThat(f.value()).isCloseTo(2.0 / 3, within(1e-9));
            assertThat(f.details()).containsEntry("precision", 1.0).containsEntry("recall", 0.5);
        }

        @Test
        void aStringNeverEqualsANumberAndTheRationaleSaysWhichTypes() {
            Feedback f = score(s, ref("{\"age\": 5}"), "{\"age\": \"5\"}");
            assertThat(f.value()).isEqualTo(0.0);
            assertThat(f.rationale()).contains("'age': expected 5, got \"5\" (expected a number, got a string)");
        }

        @Test
        void codeFencesAndProseAroundTheObjectAreTolerated() {
            assertThat(score(s, ref("{\"a\": 1}"), "```json\n{\"a\": 1}\n```").value()).isEqualTo(1.0);
            assertThat(score(s, ref("{\"a\": 1}"), "Here you go:\n```\n{\"a\": 1}\n```\nAnything else?").value()).isEqualTo(1.0);
            assertThat(score(s, ref("{\"a\": 1}"), "Sure! {\"a\": 1} Hope this helps.").value()).isEqualTo(1.0);
        }

        @Test
        void invalidJsonScoresZeroAndNamesTheParseError() {
            Feedback f = score(s, ref("{\"a\": 1}"), "{\"a\": 1,}");
            assertThat(f.value()).isEqualTo(0.0);
            assertThat(f.rationale()).startsWith("output is not a JSON object: invalid JSON: ")
                    .contains("line 1, column")
                    .endsWith("; got \"{\\\"a\\\": 1,}\"".replace("\\\"", "\""));
        }

        @Test
        void jsonThatIsNotAnObjectScoresZero() {
            Feedback f = score(s, ref("{\"a\": 1}"), "[1, 2]");
            assertThat(f.value()).isEqualTo(0.0);
            assertThat(f.rationale()).startsWith("output is not a JSON object: expected a JSON object, found array");
            assertThat(score(s, ref("{\"a\": 1}"), "").rationale()).startsWith("output is not a JSON object: it is empty");
        }

        @Test
        void structuredReferencesAndOutputsAreComparedDirectly() {
            assertThat(score(s, ref(Map.of("a", 1, "b", List.of(1, 2))), Map.of("b", List.of(1, 2), "a", 1L)).value()).isEqualTo(1.0);
            assertThat(score(s, ref(Map.of("b", List.of(1, 2))), Map.of("b", List.of(2, 1))).value()).isEqualTo(0.0);
        }

        @Test
        void emptyObjectsMatch() {
            assertThat(score(s, ref("{}"), "{}").value()).isEqualTo(1.0);
            assertThat(score(s, ref("{}"), "{\"a\": 1}").value()).isEqualTo(0.0);
        }

        @Test
        void aReferenceThatIsNotAJsonObjectIsAMissingRequirement() {
            assertThat(s.missingRequirements(noReference())).containsExactly(NEEDS_REFERENCE);
            assertThat(s.missingRequirements(ref("positive"))).singleElement().asString()
                    .startsWith("a reference output that is a JSON object (invalid JSON: ");
            assertThat(s.missingRequirements(ref("[1]"))).containsExactly(
                    "a reference output that is a JSON object (expected a JSON object, found array)");
            assertThat(s.missingRequirements(ref("{\"a\": 1}"))).isEmpty();
        }
    }

    @Nested
    class Numeric {
        @Test
        void theFirstNumberInTheOutputIsComparedWithTheReference() {
            Feedback f = score(Scorers.numeric(0), ref("42"), "The answer is 42.");
            assertThat(f.value()).isEqualTo(1.0);
            assertThat(f.rationale()).isEqualTo("got 42, expected 42");
            assertThat(score(Scorers.numeric(0), ref(-3.5), "-3.5 degrees").value()).isEqualTo(1.0);
            assertThat(score(Scorers.numeric(0), ref("1234"), "about 1,234 people").value()).isEqualTo(1.0);
            assertThat(score(Scorers.numeric(0), ref("12"), 12L).value()).isEqualTo(1.0);
        }

        @Test
        void differencesWithinTheToleranceCount() {
            Scorer s = Scorers.numeric(0.5);
            assertThat(score(s, ref("42"), "42.4").value()).isEqualTo(1.0);
            assertThat(score(s, ref("42"), "41.5").value()).isEqualTo(1.0);
            Feedback f = score(s, ref("42"), "42.6");
            assertThat(f.value()).isEqualTo(0.0);
            assertThat(f.rationale()).isEqualTo("expected 42 (tolerance 0.5) but got 42.6, off by 0.6");
            assertThat(f.details()).containsEntry("expected", 42.0).containsEntry("actual", 42.6);
        }

        @Test
        void floatingPointRoundingDoesNotBreakTheBoundary() {
            assertThat(score(Scorers.numeric(0.1), ref("0.3"), "0.4").value()).isEqualTo(1.0);
        }

        @Test
        void anOutputWithoutANumberScoresZeroWithAReason() {
            Feedback f = score(Scorers.numeric(1), ref("42"), "I don't know");
            assertThat(f.value()).isEqualTo(0.0);
            assertThat(f.rationale()).isEqualTo("no number found in the output; expected 42, got \"I don't know\"");
        }

        @Test
        void aReferenceWithoutANumberIsAMissingRequirement() {
            assertThat(Scorers.numeric(0).missingRequirements(noReference())).containsExactly(NEEDS_REFERENCE);
            assertThat(Scorers.numeric(0).missingRequirements(ref("many"))).containsExactly("a numeric reference output (found \"many\")");
            assertThat(Scorers.numeric(0).missingRequirements(ref("7"))).isEmpty();
        }

        @Test
        void aNegativeOrInfiniteToleranceIsRefused() {
            assertThatThrownBy(() -> Scorers.numeric(-1)).isInstanceOf(InvalidInputException.class)
                    .hasMessage("numeric scorer: tolerance must be a finite number >= 0, found -1.0");
            assertThatThrownBy(() -> Scorers.numeric(Double.NaN)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> Scorers.numeric(Double.POSITIVE_INFINITY)).isInstanceOf(InvalidInputException.class);
        }
    }

    @Nested
    class YourOwn {
        @Test
        void customDelegatesToTheFunction() throws Exception {
            Scorer s = Scorers.custom("length", (e, out) -> Feedback.of(String.valueOf(out).length() <= 5, "at most 5 chars"));
            assertThat(s.name()).isEqualTo("length");
            assertThat(s.score(noReference(), "short").value()).isEqualTo(1.0);
            assertThat(s.score(noReference(), "longer").value()).isEqualTo(0.0);
        }

        @Test
        void fromPredicatePassesOrFailsNamingTheCheck() throws Exception {
            Scorer s = Scorers.fromPredicate("mentions_input", (e, out) -> String.valueOf(out).contains((String) e.inputs().get("text")));
            Feedback pass = s.score(noReference(), "about t");
            assertThat(pass.value()).isEqualTo(1.0);
            assertThat(pass.rationale()).isEqualTo("check 'mentions_input' passed");
            assertThat(s.score(noReference(), "none").rationale()).isEqualTo("check 'mentions_input' failed");
        }

        @Test
        void namedRenamesAScorerAndKeepsItsRequirements() throws Exception {
            Scorer s = Scorers.named("label_exact", Scorers.exactMatch());
            assertThat(s.name()).isEqualTo("label_exact");
            assertThat(s.missingRequirements(noReference())).containsExactly(NEEDS_REFERENCE);
            assertThat(s.score(ref("a"), "a").value()).isEqualTo(1.0);
        }

        @Test
        void aBlankNameIsRefused() {
            assertThatThrownBy(() -> Scorers.custom(" ", (e, o) -> Feedback.pass("")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("a scorer name must not be blank, found \" \"");
        }
    }
}
