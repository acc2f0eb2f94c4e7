package dev.promptopt.gepa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReflectionTest {
    @Test
    void extractsBetweenTheFirstAndLastFenceDroppingALanguageTag() {
        assertThat(Reflection.extract("Here:\n```\nNew text {{x}}\n```\nHope it helps").text()).isEqualTo("New text {{x}}");
        assertThat(Reflection.extract("```markdown\nLine 1\nLine 2\n```").text()).isEqualTo("Line 1\nLine 2");
        assertThat(Reflection.extract("```\nUse ```json``` blocks\n```").text()).isEqualTo("Use ```json``` blocks");
        assertThat(Reflection.extract("```Answer briefly.```").text()).isEqualTo("Answer briefly.");
        assertThat(Reflection.extract("  Plain answer without fences  ").text()).isEqualTo("Plain answer without fences");
    }

    @Test
    void rejectsAnUnclosedFenceAndAnEmptyText() {
        Reflection.Extraction cut = Reflection.extract("```\nClassify the sentiment and then");
        assertThat(cut.ok()).isFalse();
        assertThat(cut.rejectKey()).isEqualTo("unclosed_fence");
        assertThat(Reflection.extract("```text\n\n```").rejectKey()).isEqualTo("empty");
        assertThat(Reflection.extract("   ").rejectKey()).isEqualTo("empty");
    }

    @Test
    void fillsBothSlotsInOnePass() {
        String prompt = Reflection.prompt("A {{current_instruction}} B {{examples}} C", "uses {{examples}} literally", "EX");
        assertThat(prompt).isEqualTo("A uses {{examples}} literally B EX C");
        assertThat(Reflection.DEFAULT_TEMPLATE).contains("{{current_instruction}}", "{{examples}}", "```");
    }

    @Test
    void rendersExamplesAsMarkdownWithNestedHeadings() {
        Example e = Example.of("e1", Map.of("word", "apple", "meta", Map.of("lang", "en")), "APPLE");
        ExampleResult r = new ExampleResult(e, "apple", Map.of("exact", Feedback.fail("expected 'APPLE'")), 0.0, null, 0, false);
        GepaState.ReflectionExample rec = Reflection.record(r);
        Map<String, Map<String, Object>> inputs = new LinkedHashMap<>();
        inputs.put("e1", new LinkedHashMap<>(Map.of("word", "apple")));
        inputs.get("e1").put("meta", Map.of("lang", "en"));

        String md = Reflection.renderExamples(List.of(rec), inputs);

        assertThat(md).isEqualTo("""
                # Example 1
                ## Inputs
                ### word
                apple

                ### meta
                #### lang
                en

                ## Generated Outputs
                apple

                ## Feedback
                exact (0): expected 'APPLE'""");
    }

    @Test
    void aFailedCallShowsItsErrorAsFeedback() {
        Example e = Example.of("e1", Map.of("word", "apple"), "APPLE");
        ExampleResult r = new ExampleResult(e, null, Map.of(), 0.0, "timeout after 30s", 0, false);
        GepaState.ReflectionExample rec = Reflection.record(r);
        assertThat(rec.output).contains("no output");
        assertThat(rec.feedback).isEqualTo("error: timeout after 30s");
    }
}
