package dev.promptopt.core.internal.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.promptopt.ChatMessage;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelException;
import dev.promptopt.ModelResponse;
import dev.promptopt.Scorer;
import dev.promptopt.TokenUsage;
import dev.promptopt.core.Judges;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JudgesTest {
    /** Answers with scripted texts in order and keeps the prompts it was sent. */
    static final class ScriptedJudge implements LanguageModel {
        final Deque<String> answers;
        final List<List<ChatMessage>> prompts = new ArrayList<>();

        ScriptedJudge(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public String name() {
            return "scripted:/judge";
        }

        @Override
        public synchronized ModelResponse chat(List<ChatMessage> messages) {
            prompts.add(messages);
            return new ModelResponse(answers.isEmpty() ? "" : answers.poll(), new TokenUsage(100, 20), "scripted-judge");
        }

        String lastPrompt() {
            List<ChatMessage> last = prompts.get(prompts.size() - 1);
            return last.get(last.size() - 1).content();
        }
    }

    static final Example SENTIMENT = Example.of("r1", Map.of("text", "I love it"), "positive");

    @Test
    void equivalenceScoresJsonVerdictsAndKeepsTheRationale() throws Exception {
        ScriptedJudge model = new ScriptedJudge(
                "{\"rationale\": \"Both give the label positive.\", \"verdict\": \"yes\"}",
                "```json\n{\"rationale\": \"Output says negative; reference says positive.\", \"verdict\": \"no\"}\n```");
        Scorer judge = Judges.equivalence(model);

        Feedback yes = judge.score(SENTIMENT, "Positive.");
        Feedback no = judge.score(SENTIMENT, "negative");

        assertThat(judge.name()).isEqualTo("equivalence");
        assertThat(judge.usesModel()).isTrue();
        assertThat(yes.value()).isEqualTo(1.0);
        assertThat(yes.rationale()).isEqualTo("Equivalent: Both give the label positive.");
        assertThat(yes.details()).containsEntry("judge", "scripted:/judge").containsEntry("parsed_from", "json");
        assertThat(no.value()).isEqualTo(0.0);
        assertThat(no.rationale()).startsWith("Not equivalent: Output says negative");
        assertThat(model.lastPrompt()).contains("I love it").contains("positive").contains("negative");
    }

    @Test
    void textVerdictsAreReadToo() throws Exception {
        Scorer judge = Judges.equivalence(new ScriptedJudge("Verdict: yes\nRationale: same meaning"));

        Feedback f = judge.score(SENTIMENT, "positive");

        assertThat(f.value()).isEqualTo(1.0);
        assertThat(f.rationale()).isEqualTo("Equivalent: same meaning");
        assertThat(f.details()).containsEntry("parsed_from", "text");
    }

    @Test
    void garbageScoresZeroAndSaysSoInsteadOfThrowing() throws Exception {
        Scorer judge = Judges.equivalence(new ScriptedJudge("lorem ipsum }{ no verdict here ```"));

        Feedback f = judge.score(SENTIMENT, "positive");

        assertThat(f.value()).isZero();
        assertThat(f.rationale()).startsWith("Could not read a verdict from the judge's answer").contains("lorem ipsum");
        assertThat(f.details()).containsEntry("parsed_from", "unparseable").containsKey("raw_answer");
    }

    @Test
    void anEmptyOutputFailsWithoutCallingTheModel() throws Exception {
        ScriptedJudge model = new ScriptedJudge();

        Feedback f = Judges.equivalence(model).score(SENTIMENT, "  ");

        assertThat(f.value()).isZero();
        assertThat(f.rationale()).contains("empty");
        assertThat(model.prompts).isEmpty();
    }

    @Test
    void aFailingJudgeModelPropagatesItsModelException() {
        LanguageModel broken = new LanguageModel() {
            @Override
            public String name() {
                return "broken:/judge";
            }

            @Override
            public ModelResponse chat(List<ChatMessage> messages) {
                throw ModelException.permanent("broken:/judge: HTTP 401 Unauthorized");
            }
        };

        assertThatThrownBy(() -> Judges.equivalence(broken).score(SENTIMENT, "positive"))
                .isInstanceOf(ModelException.class).hasMessageContaining("401");
    }

    @Test
    void referenceJudgesReportExamplesWithoutAReference() {
        Example noReference = Example.of("r2", Map.of("text", "meh"), null);
        Example expectedResponse = Example.withExpectations("r3", Map.of("text", "meh"), Map.of("expected_response", "neutral"));

        for (Scorer s : List.of(Judges.equivalence(new ScriptedJudge()), Judges.semanticSimilarity10(new ScriptedJudge()),
                Judges.semanticSimilarityBinary(new ScriptedJudge()))) {
            assertThat(s.missingRequirements(noReference)).singleElement().asString().contains("reference output");
            assertThat(s.missingRequirements(expectedResponse)).isEmpty();
            assertThat(s.missingRequirements(SENTIMENT)).isEmpty();
        }
    }

    @Test
    void correctnessUsesExpectedFactsAndNeedsSomeExpectation() throws Exception {
        ScriptedJudge model = new ScriptedJudge("{\"verdict\": \"no\", \"rationale\": \"The founding year is missing.\"}");
        Scorer judge = Judges.correctness(model);
        Example e = Example.withExpectations("q1", Map.of("question", "Tell me about MLflow"),
                Map.of("expected_facts", List.of("MLflow is open source", "MLflow was released in 2018")));

        Feedback f = judge.score(e, "MLflow is an open-source platform.");

        assertThat(f.value()).isZero();
        assertThat(f.rationale()).isEqualTo("Incorrect: The founding year is missing.");
        assertThat(model.lastPrompt()).contains("expected_facts").contains("  - MLflow was released in 2018");
        assertThat(judge.missingRequirements(Example.of("q2", Map.of("q", "x"), null)))
                .singleElement().asString().contains("expectations");
        assertThat(judge.missingRequirements(e)).isEmpty();
    }

    @Test
    void guidelinesCombineTheJudgesRulesWithTheExamplesOwn() throws Exception {
        ScriptedJudge model = new ScriptedJudge("{\"verdict\": \"yes\", \"rationale\": \"One word, lower case.\"}");
        Scorer judge = Judges.guidelines(model, List.of("Answer with one word.", "Use lower case."));
        Example e = new Example("g1", Map.of("text", "I love it"), "positive",
                Map.of("guidelines", List.of("Never mention the customer.")), Map.of(), "");

        Feedback f = judge.score(e, "positive");

        assertThat(f.value()).isEqualTo(1.0);
        assertThat(f.rationale()).isEqualTo("Follows the guidelines: One word, lower case.");
        assertThat(model.lastPrompt()).contains("1. Answer with one word.").contains("2. Use lower case.")
                .contains("3. Never mention the customer.");
        assertThat(Judges.guidelines(model, List.of()).missingRequirements(SENTIMENT)).singleElement().asString()
                .contains("guidelines");
        assertThatThrownBy(() -> Judges.guidelines(model, List.of(" "))).hasMessageContaining("blank");
    }

    @Test
    void semSim10NormalizesTheOneToTenScale() throws Exception {
        Scorer judge = Judges.semanticSimilarity10(new ScriptedJudge(
                "{\"rationale\": \"Same point, less detail.\", \"score\": 7}", "score: 10/10", "Rating: 1 (unrelated)", "no idea"));

        Feedback seven = judge.score(SENTIMENT, "good");
        Feedback ten = judge.score(SENTIMENT, "positive");
        Feedback one = judge.score(SENTIMENT, "banana");
        Feedback garbage = judge.score(SENTIMENT, "x");

        assertThat(judge.name()).isEqualTo("Sem_Sim_10");
        assertThat(seven.value()).isCloseTo(6 / 9.0, within(1e-9));
        assertThat(seven.rationale()).isEqualTo("Similarity 7/10: Same point, less detail.");
        assertThat(ten.value()).isEqualTo(1.0);
        assertThat(one.value()).isZero();
        assertThat(one.details()).containsEntry("parsed_from", "text");
        assertThat(garbage.value()).isZero();
        assertThat(garbage.rationale()).startsWith("Could not read a verdict");
    }

    @Test
    void semSim1IsBinary() throws Exception {
        Scorer judge = Judges.semanticSimilarityBinary(new ScriptedJudge("{\"verdict\": \"yes\"}", "Verdict: no"));

        assertThat(judge.name()).isEqualTo("Sem_Sim_1");
        assertThat(judge.score(SENTIMENT, "positive").value()).isEqualTo(1.0);
        Feedback no = judge.score(SENTIMENT, "negative");
        assertThat(no.value()).isZero();
        assertThat(no.rationale()).startsWith("Not similar");
    }
}
