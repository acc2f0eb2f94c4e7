package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.OptimizerFactory;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class GepaOptimizerFactoryTest {
    @Test
    void isFoundByServiceLoaderUnderTheNameGepa() {
        assertThat(ServiceLoader.load(OptimizerFactory.class).stream().map(p -> p.get().name()).toList()).contains("gepa");
    }

    @Test
    void mapsOptionsOntoGepaOptions() {
        var gepa = (Gepa) new GepaOptimizerFactory().create(new OptimizerFactory.Spec("p",
                Map.of("reflectionMinibatchSize", "5", "candidateSelection", "current-best", "merge", "true"), null, 1));
        assertThat(gepa.configuration().reflectionMinibatchSize()).isEqualTo(5);
        assertThat(gepa.configuration().candidateSelection()).isEqualTo(GepaOptions.CandidateSelection.CURRENT_BEST);
        assertThat(gepa.configuration().merge()).isTrue();
    }

    @Test
    void mapsParallelProposalsFrontsAndObjectives() {
        var gepa = (Gepa) new GepaOptimizerFactory().create(new OptimizerFactory.Spec("p",
                Map.of("parallelProposals", "4", "speculativeEvaluations", "0", "frontier", "hybrid",
                        "objectives", "prompt-tokens, cost-per-example", "reflectionHedging", "0.9",
                        "proposeDuringValidation", "false"), null, 1));
        assertThat(gepa.configuration().parallelProposals()).isEqualTo(4);
        assertThat(gepa.configuration().speculativeEvaluations()).isZero();
        assertThat(gepa.configuration().proposeDuringValidation()).isFalse();
        assertThat(Gepa.options().proposeDuringValidation()).isTrue();
        assertThat(gepa.configuration().reflectionHedging()).hasValue(0.9);
        assertThat(gepa.configuration().frontier()).isEqualTo(GepaOptions.Frontier.HYBRID);
        assertThat(gepa.configuration().objectives()).containsExactlyInAnyOrder(
                GepaOptions.Objective.PROMPT_TOKENS, GepaOptions.Objective.COST_PER_EXAMPLE);
        assertThat(new GepaOptimizerFactory().validate(Map.of("objectives", "prompt-tokens,speed"), true).get(0))
                .contains("'speed' is not one of [prompt-tokens, cost-per-example]");
        assertThat(new GepaOptimizerFactory().validate(Map.of("parallelProposals", "0"), true).get(0))
                .contains("parallelProposals must be between 1 and 64, found 0");
        assertThat(new GepaOptimizerFactory().validate(Map.of("reflectionHedging", "0.3"), true).get(0))
                .contains("reflectionHedging must be a percentile in [0.5, 1), found 0.3");
    }

    @Test
    void reportsUnknownAndBadOptionsAndAMissingReflectionModel() {
        List<String> problems = new GepaOptimizerFactory().validate(Map.of("minibatch", "3"), false);
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("needs a reflection model");
        assertThat(problems.get(1)).contains("unknown GEPA option 'minibatch'").contains("reflectionMinibatchSize");
        assertThat(new GepaOptimizerFactory().validate(Map.of("reflectionMinibatchSize", "x"), true))
                .containsExactly("optimizerOptions: option 'reflectionMinibatchSize' must be a number, found 'x'");
        assertThat(new GepaOptimizerFactory().validate(Map.of("acceptance", "maybe"), true).get(0))
                .contains("'maybe' is not one of [strict-improvement, improvement-or-equal]");
    }
}
