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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    private Evaluation(PredictFn predict) {
        this.predict = Objects.requireNonNull(predict, "predict");
    }

    public static Evaluation of(PredictFn predict) {
        return new Evaluation(predict);
    }

    public Evaluation data(Dataset data) {
        this.data = Objects.requireNonNull(data, "data");
        return this;
    }

    public Evaluation scorers(Scorer... scorers) {
        this.scorers.addAll(Arrays.asList(scorers));
        return this;
    }

    public Evaluation aggregation(Aggregation aggregation) {
        this.aggregation = Objects.requireNonNull(aggregation, "aggregation");
        return this;
    }

    /** The templates the predict function receives. */
    public Evaluation prompts(PromptSet prompts) {
        this.prompts = Objects.requireNonNull(prompts, "prompts");
        return this;
    }

    /** Loads the templates the predict function receives from a registry. */
    public Evaluation prompts(PromptRegistry registry, String... uris) {
        Map<String, PromptTemplate> templates = new LinkedHashMap<>();
        for (String uri : uris) {
            PromptVersion v = registry.load(uri);
            templates.put(v.name(), v.template());
        }
        this.prompts = PromptSet.of(templates);
        return this;
    }

    public Evaluation maxConcurrency(int maxConcurrency) {
        this.maxConcurrency = SetupChecks.requireMaxConcurrency(maxConcurrency);
        return this;
    }

    /**
     * Runs every example once.
     *
     * @throws InvalidInputException before any call when the data, scorers or templates do not fit together
     */
    public EvaluationResult run() {
        validate();
        StopConditions stops = new StopConditions(Budget.unlimited(), null, System::nanoTime, Duration.ZERO);
        try (EvaluationEngine engine = new EvaluationEngine(predict, scorers, SetupChecks.checked(aggregation), maxConcurrency, stops, null,
                event -> { }, System::nanoTime)) {
            EvaluationBatch batch = engine.evaluate(prompts, data.examples());
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
