package dev.promptopt.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptopt.Dataset;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.Feedback;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationListener;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PromptTemplate;
import dev.promptopt.TrackedRun;
import dev.promptopt.core.io.JsonSupport;
import dev.promptopt.core.internal.engine.Fingerprints;
import dev.promptopt.core.internal.engine.ResultRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Feeds a {@link TrackedRun} from a run's events while the run goes, as MLflow's {@code optimize_prompts} logs
 * its GEPA runs: each candidate scored on the whole validation set becomes one step, with metrics
 * {@code eval_score}, {@code eval_score.<scorer>}, {@code best_eval_score}, {@code metric_calls} and
 * {@code iteration}, and artifacts {@code prompt_candidates/iteration_<step>/} ({@code <prompt>.txt},
 * {@code scores.json}, and the table {@code eval_results.json}); when the run finishes
 * ({@link OptimizationEvent.RunFinished}) it logs the final metrics and artifacts.
 *
 * <pre>{@code
 * TrackedRun run = tracker.startRun("sentiment", "gepa-1", Map.of());
 * PromptOptimizer.builder()...listener(new TrackingListener(run, validation, Path.of("runs/gepa-1/tracking.json")))
 * }</pre>
 *
 * <p>{@code PromptOptimizer} installs one itself for its tracker. Steps are given in the order candidates are first
 * scored and kept in {@code stateFile}, so a resumed run gives a candidate the step it had before and new
 * candidates the next ones; a tracker then skips points it already holds. The listener is thread-safe and does no
 * I/O but the small state file: a tracker that sends over a network does so in the background.
 */
public final class TrackingListener implements OptimizationListener {
    /** The folder MLflow's optimizers log candidates under. */
    public static final String CANDIDATES_DIR = "prompt_candidates";

    private final TrackedRun run;
    private final Set<String> validationIds;
    private final int validationSize;
    private final Path stateFile;
    /** fingerprint -> step, in step order. */
    private final Map<String, Integer> steps = new LinkedHashMap<>();
    private final List<Double> scores = new ArrayList<>();
    /** Per step: what was logged for it (metrics, prompt texts, score summary), kept to send again after a restart. */
    private final List<JsonNode> records = new ArrayList<>();
    private final Set<Integer> loggedHere = new HashSet<>();
    /** Steps whose metrics {@link #resend()} logged in this process (a re-scored candidate then adds its table only). */
    private final Set<Integer> resent = new HashSet<>();
    private volatile int iteration;

    /**
     * @param validation the examples a candidate's full score is measured on
     * @param stateFile  where step numbers survive a restart; null keeps them in memory only
     */
    public TrackingListener(TrackedRun run, Dataset validation, Path stateFile) {
        this.run = Objects.requireNonNull(run, "run");
        this.validationIds = new HashSet<>();
        for (Example e : validation.examples()) {
            validationIds.add(e.id());
        }
        this.validationSize = validation.size();
        this.stateFile = stateFile;
        if (stateFile != null && Files.exists(stateFile)) {
            JsonNode state = JsonSupport.readTree(stateFile, "tracking state");
            for (JsonNode c : state.path("candidates")) {
                steps.put(c.path("fingerprint").asText(), steps.size());
                scores.add(c.path("score").asDouble());
                records.add(c);
            }
        }
    }

    /**
     * Logs again what a previous process logged for each step (metrics, prompt texts, scores): a tracker skips the
     * points it already holds, so only what never reached it is sent. {@code PromptOptimizer} calls it on resume.
     */
    public void resend() {
        List<JsonNode> copy;
        synchronized (this) {
            copy = List.copyOf(records);
            copy.forEach(c -> resent.add(c.path("step").asInt()));
        }
        for (JsonNode c : copy) {
            int step = c.path("step").asInt();
            c.path("metrics").fields().forEachRemaining(m -> run.logMetric(m.getKey(), m.getValue().asDouble(), step));
            String dir = CANDIDATES_DIR + "/iteration_" + step + "/";
            c.path("prompts").fields().forEachRemaining(t -> run.logArtifact(dir + t.getKey() + ".txt",
                    t.getValue().asText().getBytes(StandardCharsets.UTF_8)));
            if (c.has("scores")) {
                run.logArtifact(dir + "scores.json", JsonSupport.toFileBytes(c.get("scores")));
            }
        }
    }

    /** Steps given so far (one per candidate scored on the validation set). */
    public synchronized int steps() {
        return steps.size();
    }

    @Override
    public void onEvent(OptimizationEvent event) {
        if (event instanceof OptimizationEvent.IterationStarted i) {
            iteration = i.iteration();
        } else if (event instanceof OptimizationEvent.BatchEvaluated b && coversValidation(b.batch())) {
            candidateScored(b.batch(), b.metricCallsUsed());
        } else if (event instanceof OptimizationEvent.RunFinished f) {
            runFinished(f);
        }
    }

    /**
     * The end-of-run summary: the prompts registered, the seed's and the best candidate's scores, the metric calls
     * (at the step after the last candidate's), cost and tokens per model role, {@code result.json} and the two
     * evaluation tables {@code eval_results/baseline.json} and {@code eval_results/final.json}.
     */
    private void runFinished(OptimizationEvent.RunFinished f) {
        OptimizationResult r = f.result();
        if (!r.optimizedPrompts().isEmpty()) {
            run.linkPrompts(r.optimizedPrompts());
        }
        run.logMetric("initial_eval_score", r.initialScore(), 0);
        run.logMetric("final_eval_score", r.finalScore(), 0);
        r.initialScores().forEach((s, v) -> run.logMetric("initial_eval_score." + s, v, 0));
        r.finalScores().forEach((s, v) -> run.logMetric("final_eval_score." + s, v, 0));
        run.logMetric("metric_calls", r.metricCalls(), steps());
        r.usage().costUsd().ifPresent(cost -> run.logMetric("cost_usd", cost, 0));
        r.usage().roles().forEach((role, u) -> {
            run.logMetric("tokens_in." + role, u.inputTokens(), 0);
            run.logMetric("tokens_out." + role, u.outputTokens(), 0);
            run.logMetric("cost_usd." + role, u.costUsd(), 0);
            if (!u.complete()) { // the sums above leave these calls' tokens out
                run.logMetric("calls_tokens_unreported." + role, u.unreportedCalls(), 0);
            }
        });
        run.logArtifact("result.json", JsonSupport.toFileBytes(ResultRecords.toJson(r)));
        run.logArtifact("eval_results/baseline.json", JsonSupport.toFileBytes(ResultRecords.rows(f.baseline())));
        run.logArtifact("eval_results/final.json", JsonSupport.toFileBytes(ResultRecords.rows(f.finalEvaluation())));
    }

    private boolean coversValidation(EvaluationBatch batch) {
        if (batch.results().size() != validationSize) {
            return false;
        }
        Set<String> ids = new HashSet<>();
        for (ExampleResult r : batch.results()) {
            ids.add(r.example().id());
        }
        return ids.equals(validationIds);
    }

    private void candidateScored(EvaluationBatch batch, long metricCalls) {
        String fp = Fingerprints.of(batch.candidate());
        Map<String, Double> byScorer = batch.meanByScorer();
        Map<String, Object> scoreSummary = new LinkedHashMap<>();
        scoreSummary.put("aggregate", batch.mean());
        scoreSummary.put("per_scorer", byScorer);
        int step;
        Map<String, Double> metrics = new LinkedHashMap<>();
        synchronized (this) {
            Integer known = steps.get(fp);
            if (known == null) {
                step = steps.size();
                double best = java.util.stream.DoubleStream.concat(scores.stream().mapToDouble(Double::doubleValue),
                        java.util.stream.DoubleStream.of(batch.mean())).max().orElse(batch.mean());
                metrics.put("eval_score", batch.mean());
                byScorer.forEach((scorer, v) -> metrics.put("eval_score." + scorer, v));
                metrics.put("best_eval_score", best);
                metrics.put("metric_calls", (double) metricCalls);
                metrics.put("iteration", (double) iteration);
                ObjectNode record = JsonSupport.mapper().createObjectNode().put("step", step).put("fingerprint", fp)
                        .put("score", batch.mean());
                record.set("metrics", JsonSupport.mapper().valueToTree(metrics));
                ObjectNode texts = record.putObject("prompts");
                batch.candidate().asMap().forEach((name, t) -> texts.put(name, t.text()));
                record.set("scores", JsonSupport.mapper().valueToTree(scoreSummary));
                steps.put(fp, step);
                scores.add(batch.mean());
                records.add(record);
                save(); // before anything is sent, so a restart gives this candidate the same step and resends it
            } else {
                step = known;
                records.get(step).path("metrics").fields().forEachRemaining(m -> metrics.put(m.getKey(), m.getValue().asDouble()));
            }
            if (!loggedHere.add(step)) {
                return; // a cache hit of a candidate already logged by this process
            }
            if (resent.contains(step)) {
                metrics.clear(); // already logged again by resend()
            }
        }
        metrics.forEach((key, value) -> run.logMetric(key, value, step));
        String dir = CANDIDATES_DIR + "/iteration_" + step + "/";
        for (Map.Entry<String, PromptTemplate> t : batch.candidate().asMap().entrySet()) {
            run.logArtifact(dir + t.getKey() + ".txt", t.getValue().text().getBytes(StandardCharsets.UTF_8));
        }
        run.logArtifact(dir + "scores.json", JsonSupport.toFileBytes(scoreSummary));
        run.logTable(dir + "eval_results.json", tableColumns(batch), tableRows(batch));
    }

    /** The columns of MLflow's GEPA evaluation table, one more per scorer. */
    static List<String> tableColumns(EvaluationBatch batch) {
        List<String> columns = new ArrayList<>(List.of("inputs", "output", "expectation", "aggregate_score"));
        columns.addAll(scorerNames(batch));
        return columns;
    }

    static List<List<Object>> tableRows(EvaluationBatch batch) {
        Set<String> scorers = scorerNames(batch);
        List<List<Object>> rows = new ArrayList<>();
        for (ExampleResult r : batch.results()) {
            List<Object> row = new ArrayList<>();
            row.add(r.example().inputs());
            row.add(r.failed() && r.output() == null ? r.error() : r.output());
            row.add(expectation(r.example()));
            row.add(r.score());
            for (String s : scorers) {
                Feedback f = r.feedback().get(s);
                row.add(f == null ? null : f.value());
            }
            rows.add(row);
        }
        return rows;
    }

    private static Set<String> scorerNames(EvaluationBatch batch) {
        Set<String> names = new TreeSet<>();
        batch.results().forEach(r -> names.addAll(r.feedback().keySet()));
        return new LinkedHashSet<>(names);
    }

    /** What Python puts in the table: the expectations, or the reference output as {@code expected_response}. */
    private static Map<String, Object> expectation(Example e) {
        if (!e.expectations().isEmpty()) {
            return e.expectations();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("expected_response", e.referenceOutput());
        return m;
    }

    private void save() {
        if (stateFile == null) {
            return;
        }
        ObjectNode state = JsonSupport.mapper().createObjectNode();
        state.putArray("candidates").addAll(records);
        JsonSupport.writeJson(stateFile, state);
    }
}
