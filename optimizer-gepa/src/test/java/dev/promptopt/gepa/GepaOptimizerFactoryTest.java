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
