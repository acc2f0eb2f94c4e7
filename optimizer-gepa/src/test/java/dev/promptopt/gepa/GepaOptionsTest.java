package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GepaOptionsTest {
    @Test
    void defaultsFollowTheReference() {
        GepaOptions o = Gepa.options();
        assertThat(o.reflectionMinibatchSize()).isEqualTo(3);
        assertThat(o.candidateSelection()).isEqualTo(GepaOptions.CandidateSelection.PARETO);
        assertThat(o.epsilon()).isEqualTo(0.1);
        assertThat(o.topK()).isEqualTo(5);
        assertThat(o.componentSelection()).isEqualTo(GepaOptions.ComponentSelection.ROUND_ROBIN);
        assertThat(o.skipPerfectScore()).isTrue();
        assertThat(o.perfectScore()).isEqualTo(1.0);
        assertThat(o.acceptance()).isEqualTo(GepaOptions.Acceptance.STRICT_IMPROVEMENT);
        assertThat(o.merge()).isFalse();
        assertThat(o.maxMerges()).isEqualTo(5);
        assertThat(o.stopWhenPerfect()).isTrue();
        assertThat(o.reflectionModel()).isEmpty();
        assertThat(o.maxMetricCalls()).isEmpty();
        assertThat(o.budget()).isEmpty();
        assertThat(o.reflectionTemplate()).isEmpty();
    }

    @Test
    void settersReturnChangedCopies() {
        GepaOptions base = Gepa.options().maxMetricCalls(100);
        GepaOptions merged = base.merge(true);
        assertThat(base.merge()).isFalse();
        assertThat(merged.merge()).isTrue();
        assertThat(merged.maxMetricCalls()).contains(100L);
    }

    @Test
    void everyFieldIsFinalSoAnInstanceNeverChanges() {
        for (Field f : GepaOptions.class.getDeclaredFields()) {
            if (!f.isSynthetic()) {
                assertThat(Modifier.isFinal(f.getModifiers())).as("GepaOptions.%s is final", f.getName()).isTrue();
            }
        }
    }

    @Test
    void aChangedCopyKeepsEveryOtherSetting() {
        GepaOptions base = Gepa.options().maxMetricCalls(120).epsilon(0.3).merge(true)
                .objectives(GepaOptions.Objective.PROMPT_TOKENS);
        GepaOptions changed = base.topK(2);

        assertThat(changed.topK()).isEqualTo(2);
        assertThat(base.topK()).isEqualTo(5);
        assertThat(changed.objectives()).containsExactly(GepaOptions.Objective.PROMPT_TOKENS);
        assertThat(changed.epsilon()).isEqualTo(0.3);
        assertThat(changed.merge()).isTrue();
    }

    @Test
    void limitsBecomeTheOptimizersBudget() {
        Gepa g = new Gepa(Gepa.options().maxMetricCalls(300).timeout(Duration.ofMinutes(5)).stopFile(Path.of("STOP")));
        assertThat(g.budget()).contains(new Budget(300L, Duration.ofMinutes(5), Path.of("STOP")));
        assertThat(new Gepa(Gepa.options()).budget()).isEmpty();
        assertThat(g.name()).isEqualTo("gepa");
    }

    @Test
    void badValuesFailAtOnceNamingTheValue() {
        GepaOptions o = Gepa.options();
        assertThatThrownBy(() -> o.maxMetricCalls(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMetricCalls").hasMessageContaining("0");
        assertThatThrownBy(() -> o.reflectionMinibatchSize(-2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
        assertThatThrownBy(() -> o.epsilon(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> o.topK(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topK");
        assertThatThrownBy(() -> o.maxMerges(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMerges");
        assertThatThrownBy(() -> o.noImprovementIterations(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> o.perfectScore(Double.NaN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> o.reflectionModel("gpt-4o")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'gpt-4o'");
        assertThatThrownBy(() -> o.reflectionHedging(1.0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reflectionHedging").hasMessageContaining("1.0");
    }

    @Test
    void aCustomReflectionTemplateNeedsBothSlots() {
        assertThatThrownBy(() -> Gepa.options().reflectionTemplate("Improve: {{current_instruction}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{{examples}}")
                .hasMessageNotContaining("{{current_instruction}} and");
        assertThatThrownBy(() -> Gepa.options().reflectionTemplate("nothing"))
                .hasMessageContaining("{{current_instruction}} and {{examples}}");
        assertThat(Gepa.options().reflectionTemplate("{{current_instruction}} / {{examples}}").reflectionTemplate())
                .contains("{{current_instruction}} / {{examples}}");
    }

    @Test
    void conflictingOptionsFailWhenTheOptimizerIsBuilt() {
        GepaOptions o = Gepa.options().scoreThreshold(1.5);
        assertThatThrownBy(() -> new Gepa(o)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scoreThreshold (1.5)").hasMessageContaining("perfectScore (1.0)");
    }
}
