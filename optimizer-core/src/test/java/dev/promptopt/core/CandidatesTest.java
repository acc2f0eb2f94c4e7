package dev.promptopt.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.ChatMessage;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptConstraints;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.core.local.InMemoryPromptRegistry;
import dev.promptopt.core.testing.HillClimbOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidatesTest {
    static final String LOCKED = "Answer with one word.";
    static final PromptSet SEED = PromptSet.of("p", PromptTemplate.text("Classify. " + LOCKED + "\nText: {{text}}"));

    @Test
    void aCandidateThatChangesALockedSectionOrIsTooLongHasAProblemNamingIt() {
        PromptConstraints rules = PromptConstraints.none().withLockedSection("p", LOCKED).withMaxPromptChars(60);
        assertThat(Candidates.problems(SEED, SEED, rules)).isEmpty();
        assertThat(Candidates.problems(SEED, PromptSet.of("p", PromptTemplate.text("Classify.\nText: {{text}}")), rules))
                .containsExactly("prompt 'p': the candidate changes the locked section \"Answer with one word.\"");
        String longer = "Classify carefully, thinking of every word. " + LOCKED + "\nText: {{text}}";
        assertThat(Candidates.problems(SEED, PromptSet.of("p", PromptTemplate.text(longer)), rules))
                .containsExactly("prompt 'p': the candidate has " + longer.length() + " characters, more than the maximum of 60");
    }

    @Test
    void chatCandidatesMayAddDemonstrationTurnsButNotDropOrReorderMessages() {
        PromptSet chat = PromptSet.of("p", PromptTemplate.chat(List.of(ChatMessage.system("Classify."), ChatMessage.user("Text: {{text}}"))));
        PromptSet withDemo = PromptSet.of("p", PromptTemplate.chat(List.of(ChatMessage.system("Classify."),
                ChatMessage.user("Text: great"), ChatMessage.assistant("positive"), ChatMessage.user("Text: {{text}}"))));
        PromptSet dropped = PromptSet.of("p", PromptTemplate.chat(List.of(ChatMessage.user("Classify. Text: {{text}}"))));
        PromptSet extraSystem = PromptSet.of("p", PromptTemplate.chat(List.of(ChatMessage.system("Classify."),
                ChatMessage.system("More."), ChatMessage.user("Text: {{text}}"))));
        assertThat(Candidates.problems(chat, withDemo)).isEmpty();
        assertThat(Candidates.problems(chat, dropped)).singleElement().asString().contains("had 2 messages [system, user]");
        assertThat(Candidates.problems(chat, extraSystem)).singleElement().asString().contains("only user/assistant turns");
    }

    @Test
    void theRunRejectsProposalsBreakingALockBeforeAnyCallAndTheBuilderChecksTheSeed(@TempDir Path dir) {
        PromptRegistry registry = new InMemoryPromptRegistry();
        PromptVersion seed = registry.register("p", SEED.get("p"));
        Dataset data = Dataset.of("d", List.of(Example.of("a", Map.of("text", "x"), "X")));
        AtomicInteger calls = new AtomicInteger();
        // The hill climber appends hints; with a 50-character limit every hint makes the prompt too long.
        var result = PromptOptimizer.builder().registry(registry).prompts(seed.uri())
                .predictFn((inputs, prompts) -> {
                    calls.incrementAndGet();
                    return "x";
                })
                .trainData(data).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("p", List.of("Be brief and precise.", "Shout.")))
                .lockedSection("p", LOCKED).maxPromptChars(SEED.get("p").text().length() + 3)
                .budget(Budget.metricCalls(10)).runDirectory(dir).run();
        assertThat(calls.get()).isEqualTo(1); // the baseline only
        assertThat(result.optimizedPrompts()).isEmpty();

        assertThatThrownBy(() -> PromptOptimizer.builder().registry(registry).prompts(seed.uri())
                .predictFn((inputs, prompts) -> "x").trainData(data).scorers(Scorers.exactMatch())
                .optimizer(new HillClimbOptimizer("p", List.of()))
                .lockedSection("p", "not in the seed").maxPromptChars(10)
                .budget(Budget.metricCalls(10)).runDirectory(dir).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the seed does not contain \"not in the seed\"")
                .hasMessageContaining("maxPromptChars 10: the seed " + seed.uri() + " already has");
    }
}
