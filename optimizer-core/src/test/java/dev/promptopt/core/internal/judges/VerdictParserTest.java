package dev.promptopt.core.internal.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VerdictParserTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "{\"rationale\": \"Same label.\", \"verdict\": \"yes\"}",
            "{\"verdict\": true, \"reason\": \"Same label.\"}",
            "```json\n{\"rationale\": \"Same label.\", \"verdict\": \"YES\"}\n```",
            "Sure! Here is my evaluation:\n```\n{'verdict': 'pass', 'explanation': 'Same label.',}\n```\nHope it helps.",
            "I compared them. {\"Verdict\": \"Equivalent\", \"Rationale\": \"Same label.\"} Done.",
            "{\"score\": 1, \"rationale\": \"Same label.\"}",
            "Verdict: yes\nRationale: Same label.",
            "**Verdict:** Yes — Same label.",
            "Yes. Both say positive.",
            "Final answer: correct",
    })
    void readsPositiveBinaryVerdictsInManyFormats(String answer) {
        Verdict v = VerdictParser.parse(answer, VerdictParser.Kind.BINARY);
        assertThat(v.parsed()).as(answer).isTrue();
        assertThat(v.value()).isEqualTo(1.0);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "{\"rationale\": \"Different label.\", \"verdict\": \"no\"}",
            "{\"equivalent\": false}",
            "```json\n{\"verdict\": \"not equivalent\", \"rationale\": \"x\"}\n```",
            "Verdict: NO. The output says negative, the reference says positive.",
            "No, the output contradicts the reference.",
            "result = fail",
            "Decision: incorrect",
    })
    void readsNegativeBinaryVerdictsInManyFormats(String answer) {
        Verdict v = VerdictParser.parse(answer, VerdictParser.Kind.BINARY);
        assertThat(v.parsed()).as(answer).isTrue();
        assertThat(v.value()).isEqualTo(0.0);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"rationale\": \"close\", \"score\": 7}|7",
            "{\"score\": \"8/10\"}|8",
            "```json\\n{\"rating\": 10, \"reason\": \"identical\"}\\n```|10",
            "score: 7/10|7",
            "Similarity score is 4 out of 10 because ...|4",
            "I would give it 9/10.|9",
            "  6  |6",
            "{\"score\": 1}|1",
    })
    void readsTenPointScoresAndNormalizesThem(String answer, double rating) {
        Verdict v = VerdictParser.parse(answer.replace("\\n", "\n"), VerdictParser.Kind.SCALE_1_10);
        assertThat(v.parsed()).as(answer).isTrue();
        assertThat(v.value()).isCloseTo((rating - 1) / 9, within(1e-9));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "",
            "   ",
            "I cannot evaluate this.",
            "{\"rationale\": \"hmm\"}",
            "{\"verdict\": \"maybe\"}",
            "asdf qwerty }{ {{ ```json oops",
            "\u0000\u0001 garbage \uFFFD",
    })
    void garbageIsUnparseableNotAnException(String answer) {
        assertThat(VerdictParser.parse(answer, VerdictParser.Kind.BINARY).parsed()).isFalse();
        assertThat(VerdictParser.parse(answer, VerdictParser.Kind.SCALE_1_10).parsed()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"score\": 0}", "{\"score\": 11}", "score: 42", "rating: 0/10"})
    void scoresOutsideOneToTenAreUnparseable(String answer) {
        assertThat(VerdictParser.parse(answer, VerdictParser.Kind.SCALE_1_10).parsed()).isFalse();
    }

    @org.junit.jupiter.api.Test
    void keepsTheRationaleFromJsonAndFromText() {
        assertThat(VerdictParser.parse("{\"verdict\":\"no\",\"rationale\":\"Says negative, expected positive.\"}",
                VerdictParser.Kind.BINARY).rationale()).isEqualTo("Says negative, expected positive.");
        assertThat(VerdictParser.parse("Verdict: no\nReason: wrong label", VerdictParser.Kind.BINARY).rationale())
                .isEqualTo("wrong label");
        assertThat(VerdictParser.parse("{\"verdict\":\"yes\"}", VerdictParser.Kind.BINARY).parsedFrom()).isEqualTo("json");
        assertThat(VerdictParser.parse("Verdict: yes", VerdictParser.Kind.BINARY).parsedFrom()).isEqualTo("text");
    }
}
