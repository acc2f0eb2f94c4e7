package dev.promptopt.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.promptopt.CandidateRecord;
import dev.promptopt.ChatMessage;
import dev.promptopt.Dataset;
import dev.promptopt.Feedback;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptVersion;
import dev.promptopt.Scorer;
import dev.promptopt.core.Models;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.gepa.Gepa;
import dev.promptopt.gepa.GepaStats;
import dev.promptopt.langchain4j.RetryPolicy;
import dev.promptopt.langchain4j.openai.OpenAiModels;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our side of {@code scripts/bench-reference.sh}: one GEPA run through {@link PromptOptimizer} against the
 * benchmark's local OpenAI-compatible server, with the models resolved as {@code openai-compatible:/} URIs
 * (the base URL comes from {@code PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL}). The prompt is sent as the system
 * message and the input as the user message, as the reference's default adapter does; the scorer is an exact
 * match whose rationale is the same text the Python side's evaluator writes (see {@code python/task.py}).
 *
 * <pre>{@code java ... dev.promptopt.benchmarks.ReferenceBench <data dir> <budget> <maxConcurrency> <seed> <result.json> [stopWhenPerfect]}</pre>
 *
 * <p>{@code stopWhenPerfect} (default true, our default) set to false makes the run spend its whole budget, as
 * the reference does. System properties for {@code scripts/bench-parallel.sh}: {@code bench.parallelProposals}
 * (default 1), {@code bench.speculativeEvaluations} (default: GEPA's), {@code bench.hedging} (a percentile: hedged
 * predict calls and, through GEPA's {@code reflectionHedging}, hedged reflection calls unless
 * {@code bench.reflectionHedging=false}; default: none),
 * {@code bench.backoffMs} (the first retry's wait; default: the retry policy's defaults) and {@code bench.events} (a
 * file to write the run's events to, one short line each with its time since the start).
 */
public final class ReferenceBench {
    static final String SEED_INSTRUCTION = "Answer with the word from the input, transformed as the rules say.";

    private ReferenceBench() {
    }

    /**
     * {@code bench.hedging} hedges reflection calls too (GEPA's own option), at the same percentile, unless
     * {@code bench.reflectionHedging} is false.
     */
    private static dev.promptopt.gepa.GepaOptions hedged(dev.promptopt.gepa.GepaOptions o, String hedging,
                                                         boolean reflections) {
        return hedging == null || !reflections ? o : o.reflectionHedging(Double.parseDouble(hedging));
    }

    /** An event in one short line, for the timeline {@code -Dbench.events=<file>} writes. */
    static String brief(OptimizationEvent event) {
        if (event instanceof OptimizationEvent.IterationStarted e) {
            return "started " + e.iteration();
        }
        if (event instanceof OptimizationEvent.CandidateProposed e) {
            return "proposed " + e.iteration() + " from " + e.parents();
        }
        if (event instanceof OptimizationEvent.CandidateEvaluated e) {
            return "evaluated " + e.iteration() + " " + e.phase() + " " + e.examples() + " examples, score "
                    + e.score() + ", metric calls " + e.metricCallsUsed();
        }
        if (event instanceof OptimizationEvent.CandidateAccepted e) {
            return "accepted " + e.iteration() + " as candidate " + e.candidateIndex() + ", score " + e.score();
        }
        if (event instanceof OptimizationEvent.CandidateRejected e) {
            return "rejected " + e.iteration() + ": " + e.reason().substring(0, Math.min(60, e.reason().length()));
        }
        return event.getClass().getSimpleName();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5 && args.length != 6) {
            throw new IllegalArgumentException("usage: ReferenceBench <data dir> <max metric calls> <max concurrency>"
                    + " <seed> <result.json> [stopWhenPerfect: true|false]; found " + args.length + " arguments");
        }
        Path data = Path.of(args[0]);
        long budget = Long.parseLong(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        Path out = Path.of(args[4]);
        boolean stopWhenPerfect = args.length < 6 || Boolean.parseBoolean(args[5]);

        Dataset train = Dataset.fromJsonl(data.resolve("train.jsonl"));
        Dataset validation = Dataset.fromJsonl(data.resolve("val.jsonl"));
        int parallel = Integer.getInteger("bench.parallelProposals", 1);
        int speculative = Integer.getInteger("bench.speculativeEvaluations",
                dev.promptopt.gepa.GepaOptions.DEFAULT_SPECULATIVE_EVALUATIONS);
        String backoff = System.getProperty("bench.backoffMs");
        String hedging = System.getProperty("bench.hedging");
        boolean hedgeReflections = Boolean.parseBoolean(System.getProperty("bench.reflectionHedging", "true"));
        LanguageModel target;
        LanguageModel reflector;
        if (backoff == null) {
            target = Models.resolve("openai-compatible:/bench-target");
            reflector = Models.resolve("openai-compatible:/bench-reflector");
        } else {
            RetryPolicy retries = RetryPolicy.ofDefaults().maxAttempts(8)
                    .initialBackoff(Duration.ofMillis(Long.parseLong(backoff))).multiplier(2)
                    .maxBackoff(Duration.ofSeconds(2)).jitter(0.2);
            target = OpenAiModels.openAiCompatible("bench-target")
                    .retryPolicy(retries).timeout(Duration.ofSeconds(10)).build();
            reflector = OpenAiModels.openAiCompatible("bench-reflector")
                    .retryPolicy(retries).timeout(Duration.ofSeconds(10)).build();
        }

        PromptRegistry registry = PromptRegistry.inMemory();
        PromptVersion base = registry.register("instruction", SEED_INSTRUCTION);
        PredictFn predict = (inputs, prompts) -> target.chat(List.of(
                ChatMessage.system(prompts.get("instruction").text()),
                ChatMessage.user("Word: " + inputs.get("word")))).text().strip();
        Scorer exact = Scorers.custom("exact_match", (example, output) -> {
            String expected = String.valueOf(example.outputs());
            String got = String.valueOf(output);
            if (expected.equals(got)) {
                return Feedback.pass("correct");
            }
            String category = example.tags().get("category");
            return Feedback.fail("expected '" + expected + "' but got '" + got + "': a " + category
                    + " word needs RULE: " + category);
        });

        Path runs = Files.createTempDirectory("bench-reference-runs");
        Map<Integer, Double> acceptedAt = new ConcurrentHashMap<>();
        String eventsFile = System.getProperty("bench.events");
        List<String> events = eventsFile == null ? null : java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        long[] start = new long[1];
        long t0 = System.nanoTime();
        start[0] = t0;
        PromptOptimizer.Builder builder = PromptOptimizer.builder()
                .registry(registry)
                .prompts(base.uri())
                .predictFn(predict)
                .allowConstantPrompt() // the instruction is the system message; the input goes as the user message
                .trainData(train)
                .validationData(validation)
                .scorers(exact)
                .optimizer(new Gepa(hedged(Gepa.options().reflectionModel(reflector).maxMetricCalls(budget)
                        .stopWhenPerfect(stopWhenPerfect).parallelProposals(parallel)
                        .speculativeEvaluations(speculative)
                        .proposeDuringValidation(Boolean.parseBoolean(System.getProperty("bench.proposeDuringValidation",
                                String.valueOf(dev.promptopt.gepa.GepaOptions.DEFAULT_PROPOSE_DURING_VALIDATION)))),
                        hedging, hedgeReflections)))
                .listener(event -> {
                    if (events != null) {
                        events.add(String.format(java.util.Locale.ROOT, "%.3f %s",
                                (System.nanoTime() - start[0]) / 1e9, brief(event)));
                    }
                    if (event instanceof OptimizationEvent.CandidateAccepted a) {
                        acceptedAt.put(a.candidateIndex(), (System.nanoTime() - start[0]) / 1e9);
                    }
                })
                .maxConcurrency(concurrency)
                .randomSeed(seed)
                .runDirectory(runs);
        if (hedging != null) {
            builder.hedging(dev.promptopt.core.Hedging.atPercentile(Double.parseDouble(hedging)));
        }
        OptimizationResult result = builder.run();
        double wall = (System.nanoTime() - t0) / 1e9;
        if (events != null) {
            Files.write(Path.of(eventsFile), events);
        }

        CandidateRecord best = result.candidates().stream()
                .filter(c -> c.index() == result.bestCandidate()).findFirst().orElseThrow();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("implementation", "ours");
        r.put("max_concurrency", concurrency);
        r.put("parallel_proposals", parallel);
        r.put("speculative_evaluations", speculative);
        r.put("hedging_percentile", hedging == null ? null : Double.parseDouble(hedging));
        r.put("hedged_calls", result.stats().hedgedCalls());
        r.put("wall_to_best_s", acceptedAt.getOrDefault(result.bestCandidate(), Double.NaN));
        r.put("stop_when_perfect", stopWhenPerfect);
        r.put("wall_s", wall);
        r.put("metric_calls", result.metricCalls());
        r.put("initial_score", result.initialScore());
        r.put("final_score", result.finalScore());
        r.put("candidates", result.candidates().size());
        r.put("best_found_at_metric_call", best.foundAtMetricCall());
        r.put("best_instruction", best.templates().get("instruction").text());
        r.put("stop_reason", result.stopReason().description());
        GepaStats stats = result.optimizerStats(GepaStats.class).orElseThrow();
        r.put("iterations", stats.iterations());
        r.put("full_validations", stats.fullValidations());
        r.put("proposals_dropped", stats.proposalsDropped());
        r.put("hedged_reflections", stats.hedgedReflections());
        r.put("wall_to_seed_validated_s", acceptedAt.getOrDefault(0, Double.NaN));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(out.toFile(), r);
        System.out.println(json.writeValueAsString(r));
    }
}
