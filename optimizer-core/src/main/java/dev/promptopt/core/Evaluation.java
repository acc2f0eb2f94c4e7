package dev.promptopt.core;

import dev.promptopt.Aggregation;
import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.Scorer;
import dev.promptopt.core.internal.engine.EvaluationEngine;
import dev.promptopt.core.internal.engine.SetupChecks;
import dev.promptopt.core.internal.engine.StopConditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Scores a predict function on a dataset: per-row outputs, per-scorer feedback and aggregate metrics.
 * Calls go through the same engine as an optimization (bounded concurrency, failures as zero scores).
 *
 * <pre>{@code
 * EvaluationResult r = Evaluation.of(predict)
 *     .prompts(registry, "prompts:/sentiment/2")
 *     .data(test)
 *     .scorers(Scorers.exactMatch())
 *     .run();
 * r.score(); r.metrics();   // {"exact_match": 0.85}
 * }</pre>
 */
public final class Evaluation {
    private final PredictFn predict;
    private Dataset data;
    private final List<Scorer> scorers = new ArrayList<>();
    private Aggregation aggregation = Aggregation.mean();
    private PromptSet prompts = PromptSet.empty();
    private int maxConcurrency = PromptOptimizer.DEFAULT_MAX_CONCURRENCY;
    /** The single-valued options already given: a second call is a mistake (the first value would be lost). */
    private final Set<String> alreadySet = new HashSet<>();

    private Evaluation(PredictFn predict) {
        this.predict = Objects.requireNonNull(predict, "predict");
    }

    public static Evaluation of(PredictFn predict) {
        return new Evaluation(predict);
    }

    private Evaluation once(String option) {
        if (!alreadySet.add(option)) {
            throw new IllegalStateException(option + " was already set");
        }
        return this;
    }

    public Evaluation data(Dataset data) {
        Objects.requireNonNull(data, "data");
        once("data").data = data;
        return this;
    }

    /** Adds scorers (to those of earlier calls). */
    public Evaluation scorers(Scorer... scorers) {
        for (Scorer s : scorers) {
            this.scorers.add(Objects.requireNonNull(s, "scorer"));
        }
        return this;
    }

    public Evaluation aggregation(Aggregation aggregation) {
        Objects.requireNonNull(aggregation, "aggregation");
        once("aggregation").aggregation = aggregation;
        return this;
    }

    /** The templates the predict function receives. */
    public Evaluation prompts(PromptSet prompts) {
        Objects.requireNonNull(prompts, "prompts");
        once("prompts").prompts = prompts;
        return this;
    }

    /** Loads the templates the predict function receives from a registry. */
    public Evaluation prompts(PromptRegistry registry, String... uris) {
        Objects.requireNonNull(registry, "registry");
        if (alreadySet.contains("prompts")) {
            throw new IllegalStateException("prompts was already set");
        }
        Map<String, PromptTemplate> templates = new LinkedHashMap<>();
        for (String uri : uris) {
            PromptVersion v = registry.load(uri);
            templates.put(v.name(), v.template());
        }
        return prompts(PromptSet.of(templates));
    }

    public Evaluation maxConcurrency(int maxConcurrency) {
        int checked = SetupChecks.requireMaxConcurrency(maxConcurrency);
        once("maxConcurrency").maxConcurrency = checked;
        return this;
    }

    /**
     * Runs every example once.
     *
     * @throws InvalidInputException before any call when the data, scorers or templates do not fit together
     */
    public EvaluationResult run() {
        validate();
        // What this run uses, fixed now: a change to this object during the run reaches only later runs.
        List<Scorer> runScorers = List.copyOf(scorers);
        PromptSet runPrompts = prompts;
        Dataset runData = data;
        StopConditions stops = new StopConditions(Budget.unlimited(), null, System::nanoTime, Duration.ZERO);
        try (EvaluationEngine engine = new EvaluationEngine(predict, runScorers, SetupChecks.checked(aggregation), maxConcurrency, stops, null,
                event -> { }, System::nanoTime)) {
            EvaluationBatch batch = engine.evaluate(runPrompts, runData.examples());
            return new EvaluationResult(batch.results(), batch.meanByScorer(), batch.mean(), engine.metricCallsUsed(),
                    stops.elapsed());
        }
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        if (data == null) {
            problems.add("no data: call .data(Dataset.fromJsonl(...))");
        } else if (data.isEmpty()) {
            problems.add("the data '" + data.name() + "' is empty");
        }
        SetupChecks.scorers(scorers, aggregation, problems);
        if (data != null) {
            Map<String, PromptTemplate> labelled = new LinkedHashMap<>();
            prompts.asMap().forEach((name, t) -> labelled.put("prompt '" + name + "'", t));
            SetupChecks.examples(labelled, List.of(data), scorers, problems);
            SetupChecks.templates(labelled, List.of(data), true, problems);
        }
        if (!problems.isEmpty()) {
            throw InvalidInputException.of("the evaluation is not set up right", problems);
        }
    }
}
