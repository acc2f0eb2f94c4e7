package dev.promptopt.gepa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.Scorer;
import dev.promptopt.core.PromptOptimizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reflection prompts after a resume are byte-identical to an uninterrupted run's, also when the predict function
 * returns a structured object (served after the resume from the journal as JSON, live as the object itself).
 */
class ExactResumeTest {
    /** A structured output; its journaled form is a JSON object. */
    record Out(String text, int length) {
    }

    private static final Scorer SCORER = Scorer.of("exact", (example, output) -> {
        String got = output instanceof Out o ? o.text() : String.valueOf(output);
        return RuleWorld.SCORER.score(example, got);
    });

    private static PromptOptimizer.Builder builder(PromptRegistry registry, LanguageModel target, LanguageModel reflector,
                                                   Path runs) {
        PredictFn words = RuleWorld.predict(target);
        PredictFn structured = (inputs, prompts) -> {
            String text = String.valueOf(words.predict(inputs, prompts));
            return new Out(text, text.length());
        };
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/task/1").predictFn(structured)
                .trainData(RuleWorld.train()).validationData(RuleWorld.validation()).scorers(SCORER)
                // a forgetful reflector (two rules at most) never reaches 1.0: many epochs of minibatches
                .optimizer(new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(150)))
                .maxConcurrency(4).randomSeed(5).runDirectory(runs);
    }

    private static PromptRegistry registry() {
        PromptRegistry r = PromptRegistry.inMemory();
        r.register("task", RuleWorld.onePrompt().get("task"));
        return r;
    }

    @Test
    void everyReflectionPromptAfterAResumeIsByteIdenticalToTheUninterruptedRun(@TempDir Path dir) {
        RuleWorld.Reflector straight = new RuleWorld.Reflector(1, 2);
        OptimizationResult expected = builder(registry(), new RuleWorld.Target(0), straight, dir.resolve("a"))
                .runId("straight").run();
        assertThat(straight.prompts).hasSizeGreaterThan(8);

        for (int crashAt : new int[] {4, 7, 9}) {
            RuleWorld.Reflector reflector = new RuleWorld.Reflector(1, 2);
            PromptRegistry registry = registry();
            RuleWorld.Target target = new RuleWorld.Target(0);
            Path runs = dir.resolve("b" + crashAt);
            assertThatThrownBy(() -> builder(registry, target, new CrashingModel(reflector, crashAt), runs).runId("r").run())
                    .hasMessageContaining("simulated crash");
            OptimizationResult resumed = builder(registry, target, reflector, runs).resume("r").run();

            assertThat(reflector.prompts).as("crash at reflection %d", crashAt).containsExactlyElementsOf(straight.prompts);
            assertThat(resumed.candidates()).isEqualTo(expected.candidates());
        }
    }
}
