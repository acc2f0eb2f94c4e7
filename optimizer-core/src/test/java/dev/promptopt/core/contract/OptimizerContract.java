package dev.promptopt.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Budget;
import dev.promptopt.CandidateRecord;
import dev.promptopt.Dataset;
import dev.promptopt.OptimizationResult;
import dev.promptopt.Optimizer;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import dev.promptopt.core.PromptOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Optimizer} shows when it runs through the real {@link PromptOptimizer} and its
 * evaluation engine: it stays within the metric call budget (a batch that does not fit does not start), its
 * candidates keep exactly the seed's template variables, only an improvement is registered, a run killed
 * midway resumes from its checkpoint to the uninterrupted result without repeating a finished call, and the
 * same seed gives the same candidates.
 *
 * <p>An optimizer's test extends this with a scripted task on which the optimizer can improve the seed:
 *
 * <pre>{@code
 * class GepaContractTest extends OptimizerContract {
 *     protected String seedTemplate() { return "Answer the word.\nWord: {{word}}"; }
 *     protected PredictFn predictFn() { return (inputs, prompts) -> target.chat(prompts.get(PROMPT).format(inputs)).text(); }
 *     protected Dataset trainData() { ... }
 *     protected Dataset validationData() { ... }
 *     protected List<Scorer> scorers() { return List.of(Scorers.exactMatch()); }
 *     protected Optimizer newOptimizer() { return new Gepa(Gepa.options().reflectionModel(new Reflector())); }
 * }
 * }</pre>
 */
public abstract class OptimizerContract {
    /** The name of the one prompt the task optimizes. */
    protected static final String PROMPT = "task";

    @TempDir
    protected Path dir;

    /** The seed template; the optimizer must be able to beat it on {@link #validationData()}. */
    protected abstract String seedTemplate();

    /** The user's predict function: renders {@code prompts.get(PROMPT)} and answers from a scripted model. */
    protected abstract PredictFn predictFn();

    protected abstract Dataset trainData();

    protected abstract Dataset validationData();

    protected abstract List<Scorer> scorers();

    /** A new optimizer with fresh scripted models, so that two runs share no state. */
    protected abstract Optimizer newOptimizer();

    /** A metric call budget the task can be improved within. */
    protected long budget() {
        return 200;
    }

    /** A budget that ends the run early: more than the baseline, less than a full run spends. */
    protected abstract long tightBudget();

    /** Thrown from the predict function to kill a run, as a crashing process would. */
    protected static final class Killed extends Error {
        Killed(String message) {
            super(message);
        }
    }

    /** A predict function that counts its calls and records the variables of every template it is given. */
    protected final class Recorder implements PredictFn {
        final AtomicInteger calls = new AtomicInteger();
        final Set<Set<String>> variableSets = ConcurrentHashMap.newKeySet();
        private final PredictFn delegate = predictFn();
        private final int killAt;

        Recorder(int killAt) {
            this.killAt = killAt;
        }

        @Override
        public Object predict(java.util.Map<String, Object> inputs, PromptSet prompts) throws Exception {
            if (calls.incrementAndGet() == killAt) {
                throw new Killed("killed at predict call " + killAt);
            }
            for (String name : prompts.names()) {
                variableSets.add(prompts.get(name).variables());
            }
            return delegate.predict(inputs, prompts);
        }
    }

    private PromptRegistry registry() {
        PromptRegistry registry = PromptRegistry.inMemory();
        registry.register(PROMPT, PromptTemplate.text(seedTemplate()));
        return registry;
    }

    private PromptOptimizer.Builder builder(PromptRegistry registry, PredictFn predict, long metricCalls, Path runs) {
        return PromptOptimizer.builder().registry(registry).prompts("prompts:/" + PROMPT + "/1").predictFn(predict)
                .trainData(trainData()).validationData(validationData()).scorers(scorers())
                .optimizer(newOptimizer()).budget(Budget.metricCalls(metricCalls)).maxConcurrency(1).randomSeed(11)
                .runDirectory(runs);
    }

    @Test
    void aRunStaysWithinTheMetricCallBudget() {
        long budget = tightBudget();
        Recorder predict = new Recorder(-1);

        OptimizationResult r = builder(registry(), predict, budget, dir.resolve("tight")).run();

        assertThat(r.metricCalls()).isLessThanOrEqualTo(budget);
        assertThat((long) predict.calls.get()).as("predict calls").isLessThanOrEqualTo(budget);
    }

    @Test
    void candidatesKeepExactlyTheSeedsVariables() {
        Set<String> seedVariables = PromptTemplate.text(seedTemplate()).variables();
        Recorder predict = new Recorder(-1);

        OptimizationResult r = builder(registry(), predict, budget(), dir.resolve("run")).run();

        assertThat(r.candidates()).hasSizeGreaterThan(1);
        for (CandidateRecord c : r.candidates()) {
            assertThat(c.templates().get(PROMPT).variables()).as("candidate %d", c.index()).isEqualTo(seedVariables);
        }
        assertThat(predict.variableSets).as("templates the predict function was given").containsOnly(seedVariables);
    }

    @Test
    void anImprovementIsRegisteredAsANewVersion() {
        PromptRegistry registry = registry();

        OptimizationResult r = builder(registry, new Recorder(-1), budget(), dir.resolve("run")).run();

        assertThat(r.finalScore()).as("the task lets the optimizer improve").isGreaterThan(r.initialScore());
        assertThat(r.optimizedPrompts()).hasSize(1);
        assertThat(registry.versions(PROMPT)).hasSize(2);
        assertThat(registry.load(r.optimizedPrompts().get(0).uri()).template())
                .isEqualTo(r.bestTemplates().get(PROMPT));
    }

    @Test
    void nothingIsRegisteredWhenNoCandidateBeatsTheSeed() {
        PromptRegistry registry = registry();
        // A target that ignores its prompt: every candidate scores what the seed scores.
        PredictFn deaf = (inputs, prompts) -> "the same answer whatever the prompt";

        OptimizationResult r = builder(registry, deaf, budget(), dir.resolve("run")).run();

        assertThat(r.finalScore()).isEqualTo(r.initialScore());
        assertThat(r.optimizedPrompts()).isEmpty();
        assertThat(registry.versions(PROMPT)).hasSize(1);
    }

    @Test
    void theSameSeedGivesTheSameCandidates() {
        OptimizationResult a = builder(registry(), new Recorder(-1), budget(), dir.resolve("a")).run();
        OptimizationResult b = builder(registry(), new Recorder(-1), budget(), dir.resolve("b")).run();

        assertThat(b.candidates()).isEqualTo(a.candidates());
        assertThat(b.finalScore()).isEqualTo(a.finalScore());
        assertThat(b.metricCalls()).isEqualTo(a.metricCalls());
    }

    @Test
    void aRunKilledMidwayResumesToTheUninterruptedResultWithoutRepeatingAFinishedCall() {
        Recorder straight = new Recorder(-1);
        OptimizationResult expected = builder(registry(), straight, budget(), dir.resolve("straight")).run();
        int killAt = straight.calls.get() / 2 + 1;
        assertThat(killAt).as("calls of the uninterrupted run").isGreaterThan(2);

        PromptRegistry registry = registry();
        Path runs = dir.resolve("killed");
        Recorder first = new Recorder(killAt);
        assertThatThrownBy(() -> builder(registry, first, budget(), runs).runId("r").run())
                .hasStackTraceContaining("killed at predict call " + killAt);
        Recorder second = new Recorder(-1);
        OptimizationResult resumed = builder(registry, second, budget(), runs).resume("r").run();

        assertThat(resumed.candidates()).isEqualTo(expected.candidates());
        assertThat(resumed.finalScore()).isEqualTo(expected.finalScore());
        // Every call that finished before the kill is journaled: only the call killed in flight is made again.
        assertThat((first.calls.get() - 1) + second.calls.get()).isEqualTo(straight.calls.get());
    }
}
