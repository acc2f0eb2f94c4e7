package dev.promptopt.examples;

import static dev.promptopt.examples.ExampleSupport.closeQuietly;
import static dev.promptopt.examples.ExampleSupport.env;
import static dev.promptopt.examples.ExampleSupport.indent;
import static dev.promptopt.examples.ExampleSupport.localOptions;

import dev.promptopt.Budget;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.RunTracker;
import dev.promptopt.Scorer;
import dev.promptopt.core.ConsoleProgressListener;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.MatchOptions;
import dev.promptopt.core.Models;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.tracing.LocalTraces;
import dev.promptopt.gepa.Gepa;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model migration, the MLflow way, in Java and offline on embedded defaults: keep a prompt working when the
 * application moves from one model to another.
 *
 * <ol>
 *   <li>Register the sentiment prompt in a local registry ({@code prompts:/sentiment/1}).</li>
 *   <li>Run the application's predict function with the ORIGINAL model on 24 varied inputs (the sentences of
 *       {@code sentiment/sentiment.jsonl}; their labels are ignored), recording every call as a local trace
 *       ({@link LocalTraces}, the embedded default of MLflow traces).</li>
 *   <li>Turn the traces into a training set whose reference outputs are what the original model answered
 *       ({@link LocalTraces#toDataset(String)}).</li>
 *   <li>Optimize the registered prompt for the TARGET model with GEPA, scored by an LLM equivalence judge:
 *       does the target model, with the candidate prompt, answer what the original model answered?</li>
 *   <li>Load the optimized version from the registry (the seed when no candidate beat it) and use it on two new
 *       inputs.</li>
 * </ol>
 *
 * <p><b>Offline, both roles are the same small model</b> ({@code local:/smollm2-135m}, SmolLM2-135M-Instruct
 * in-process through llama.cpp). So that there is something to migrate, the original role then runs with a richer
 * (few-shot) prompt than the registered prompt (standing in for a stronger model that needed less help); the target model
 * starts from the registered prompt. With API keys set you migrate for real, e.g. from {@code openai:/gpt-4o} to
 * {@code openai:/gpt-4o-mini}; then both roles use the registered prompt, as production did.
 *
 * <p>The judge is a real LLM judge ({@code Scorers.equivalence(judge)}) whenever {@code PROMPTOPT_JUDGE_MODEL} is set
 * or the target is hosted (then the target model judges by default). Offline with no judge named, the example uses
 * a clearly labelled deterministic stand-in, {@code equivalence-offline-stand-in} (lenient exact match of the labels):
 * SmolLM2-135M as a judge answers in prose without a readable verdict, so every score would be 0. It is also a weak
 * reflector: expect few accepted rewrites offline. The printed scores
 * are what the run measured; alongside them the example prints the plain exact-match agreement with the original
 * outputs, which needs no judge.
 *
 * <p>Environment (all optional):
 * <ul>
 *   <li>{@code PROMPTOPT_ORIGINAL_MODEL}: the model the application used (default {@code local:/smollm2-135m}).</li>
 *   <li>{@code PROMPTOPT_TARGET_MODEL}: the model to migrate to (default {@code local:/smollm2-135m}).</li>
 *   <li>{@code PROMPTOPT_JUDGE_MODEL}: the equivalence judge (default: the target model).</li>
 *   <li>{@code PROMPTOPT_REFLECTION_MODEL}: the model that rewrites the prompt (default: the target model).</li>
 *   <li>{@code PROMPTOPT_MAX_METRIC_CALLS}: GEPA's budget (default 40).</li>
 *   <li>{@code PROMPTOPT_MAX_MINUTES}: wall-time budget of the optimization (default 4).</li>
 *   <li>{@code PROMPTOPT_WORKDIR}: where prompts/, traces/, runs/ and tracking/ go
 *       (default {@code example-workdir/migration}). Traces of an original model are captured once and reused by
 *       later runs; delete {@code traces/} to capture them again.</li>
 * </ul>
 *
 * <pre>{@code
 * scripts/run-example.sh
 * OPENAI_API_KEY=... PROMPTOPT_ORIGINAL_MODEL=openai:/gpt-4o PROMPTOPT_TARGET_MODEL=openai:/gpt-4o-mini \
 *   PROMPTOPT_MAX_METRIC_CALLS=150 scripts/run-example.sh
 * }</pre>
 */
public final class ModelMigration {
    /** What the original role is told when it is the same model as the target (offline): a few-shot prompt. */
    static final String RICHER_PROMPT = "Text: I love it, best purchase ever!\nSentiment: positive\n\n"
            + "Text: The food was cold and the waiter was rude.\nSentiment: negative\n\n"
            + "Text: The store opens at 9 am on weekdays.\nSentiment: neutral\n\n"
            + "Text: {{text}}\nSentiment:";

    private static final List<String> NEW_INPUTS = List.of(
            "The hotel room was spotless and the staff went out of their way to help us.",
            "My order arrived two weeks late and nobody answered my emails.");

    private ModelMigration() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        long started = System.nanoTime();
        Path workdir = Path.of(env("PROMPTOPT_WORKDIR", "example-workdir/migration"));
        String originalUri = env("PROMPTOPT_ORIGINAL_MODEL", "local:/smollm2-135m");
        String targetUri = env("PROMPTOPT_TARGET_MODEL", "local:/smollm2-135m");
        String judgeUri = env("PROMPTOPT_JUDGE_MODEL", targetUri);
        // SmolLM2-135M cannot write a readable verdict (measured: every answer unparseable, so every score 0). Offline,
        // unless a judge is named explicitly, a deterministic stand-in compares labels instead, and says so.
        boolean standInJudge = env("PROMPTOPT_JUDGE_MODEL", "").isEmpty() && judgeUri.startsWith("local:");
        String reflectionUri = env("PROMPTOPT_REFLECTION_MODEL", targetUri);
        long budget = Long.parseLong(env("PROMPTOPT_MAX_METRIC_CALLS", "40"));
        Duration wallTime = Duration.ofMinutes(Long.parseLong(env("PROMPTOPT_MAX_MINUTES", "4")));
        boolean sameModel = originalUri.equals(targetUri);

        // 1. The prompt, as the application loads it.
        PromptRegistry registry = PromptRegistry.inDirectory(workdir.resolve("prompts"));
        PromptVersion seed = SentimentOptimization.baseVersion(registry);
        out.printf("Prompt %s:%n%s%n", seed.uri(), indent(seed.template().text()));
        out.printf("Original model: %s, target model: %s, judge: %s, reflection model: %s%n",
                originalUri, targetUri, judgeUri, reflectionUri);

        // A label needs few tokens; a judge's JSON verdict and a rewritten instruction need more.
        LanguageModel original = Models.resolve(originalUri, localOptions(originalUri, "64"));
        LanguageModel target = sameModel ? original : Models.resolve(targetUri, localOptions(targetUri, "64"));
        LanguageModel judge = standInJudge ? null : Models.resolve(judgeUri, localOptions(judgeUri, "160"));
        Scorer scorer = standInJudge
                ? Scorers.named("equivalence-offline-stand-in", Scorers.exactMatch(MatchOptions.lenient()))
                : Scorers.equivalence(judge);
        if (standInJudge) {
            out.println("Judge: OFFLINE STAND-IN (lenient exact match of the labels), not an LLM. The 135M local model "
                    + "cannot write a readable verdict; set PROMPTOPT_JUDGE_MODEL to use a real equivalence judge.");
        }
        LanguageModel reflector = Models.resolve(reflectionUri, localOptions(reflectionUri, "768"));

        // The application code, one function per model: render the prompt, call the model, read a label.
        PredictFn originalPredict = predictFn(original);
        PredictFn targetPredict = predictFn(target);

        // 2. Production: the original model answers, and every call is traced.
        LocalTraces traces = LocalTraces.inDirectory(workdir.resolve("traces"));
        String experiment = "original-" + originalUri.replaceAll("[^A-Za-z0-9._-]+", "-");
        PromptSet productionPrompts = sameModel
                ? PromptSet.of("sentiment", PromptTemplate.text(RICHER_PROMPT))
                : PromptSet.of("sentiment", seed.template());
        if (traces.read(experiment).isEmpty()) {
            List<Example> inputs = SentimentOptimization.loadDataset().examples();
            out.printf("Capturing the original model's answers to %d inputs into %s%s%n", inputs.size(),
                    traces.file(experiment), sameModel ? " (offline: same model as the target, with a richer few-shot prompt)" : "");
            PredictFn traced = traces.wrap(originalPredict, experiment);
            for (Example e : inputs) {
                try {
                    traced.predict(e.inputs(), productionPrompts);   // labels in the file are ignored
                } catch (Exception ex) {
                    out.printf("  %s failed (recorded as a failed trace): %s%n", e.id(), ex.getMessage());
                }
            }
        } else {
            out.printf("Reusing %d traces in %s (delete that folder to capture again)%n",
                    traces.read(experiment).size(), traces.file(experiment));
        }

        // 3. The training data: inputs and what the original model answered.
        Dataset fromTraces = traces.toDataset(experiment);
        out.printf("Training data from traces: %d examples; original answers: %s%n", fromTraces.size(), labelCounts(fromTraces));
        Dataset.Split split = fromTraces.split(0.5, 7);

        // 4. Optimize the registered prompt for the target model.
        out.printf("Optimizing %s for %s on %d training / %d validation examples, budget %d metric calls or %s%n",
                seed.uri(), targetUri, split.train().size(), split.validation().size(), budget, wallTime);
        boolean allLocal = java.util.stream.Stream.of(originalUri, targetUri, judgeUri, reflectionUri).allMatch(u -> u.startsWith("local:"));
        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry)
                .prompts(seed.uri())
                .predictFn(targetPredict)
                .trainData(split.train())
                .validationData(split.validation())
                .scorers(scorer)
                .optimizer(new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(budget)
                        .noImprovementIterations(4)))
                .budget(Budget.wallTime(wallTime))
                .maxConcurrency(allLocal ? 1 : 4)   // one in-process model answers one call at a time
                .seed(7)
                .runDirectory(workdir.resolve("runs"))
                .tracker(RunTracker.inDirectory(workdir.resolve("tracking")))
                .experiment("sentiment-migration")
                .listener(ConsoleProgressListener.create())
                .run();

        out.println();
        out.printf(Locale.ROOT, "Baseline (seed prompt, target model) %s score vs the original: %.3f%n", scorer.name(), result.initialScore());
        out.printf(Locale.ROOT, "Best candidate score vs the original:                  %.3f  (%d candidates, %d metric calls, %s)%n",
                result.finalScore(), result.candidates().size(), result.metricCalls(), result.stopReason().description());

        // 5. The application loads the prompt from the registry: the optimized version, or the seed.
        PromptVersion chosen;
        if (result.optimizedPrompts().isEmpty()) {
            chosen = registry.load(seed.uri());
            out.println("No candidate beat the seed, so nothing was registered; the application keeps " + chosen.uri() + ".");
        } else {
            chosen = registry.load(result.optimizedPrompts().get(0).uri());
            out.println("Registered and loaded " + chosen.uri() + ":");
            out.println(indent(chosen.template().text()));
        }
        PromptSet chosenPrompts = PromptSet.of("sentiment", chosen.template());

        // Agreement without a judge: exact match of the target's label with the original's, on every trace.
        EvaluationResult seedAgreement = Evaluation.of(targetPredict).prompts(PromptSet.of("sentiment", seed.template()))
                .data(fromTraces).scorers(Scorers.exactMatch(MatchOptions.lenient())).maxConcurrency(1).run();
        double chosenAgreement = chosen.version() == seed.version() ? seedAgreement.score()
                : Evaluation.of(targetPredict).prompts(chosenPrompts).data(fromTraces)
                        .scorers(Scorers.exactMatch(MatchOptions.lenient())).maxConcurrency(1).run().score();
        out.printf(Locale.ROOT, "Exact agreement with the original on all %d traces: seed %.3f, %s %.3f%n",
                fromTraces.size(), seedAgreement.score(), chosen.uri(), chosenAgreement);

        out.println("Two new inputs:");
        for (String text : NEW_INPUTS) {
            Map<String, Object> inputs = Map.of("text", text);
            Object migrated = targetPredict.predict(inputs, chosenPrompts);
            Object before = originalPredict.predict(inputs, productionPrompts);
            out.printf("  \"%s\"%n    original model: %s   target model with %s: %s%n", text, before, chosen.uri(), migrated);
        }
        out.println("Run folder: " + workdir.resolve("runs").resolve(result.runId()).toAbsolutePath());
        out.printf(Locale.ROOT, "Total time: %.1f s%n", (System.nanoTime() - started) / 1e9);

        Map<LanguageModel, Boolean> closed = new IdentityHashMap<>();
        for (LanguageModel m : java.util.Arrays.asList(original, target, judge, reflector)) {
            if (m != null && closed.put(m, Boolean.TRUE) == null && m instanceof AutoCloseable c) {
                closeQuietly(c);
            }
        }
        // llama.cpp leaves a native worker thread behind that would keep the JVM alive.
        System.exit(0);
    }

    /** The application's predict function for one model. */
    static PredictFn predictFn(LanguageModel model) {
        return (inputs, prompts) -> SentimentOptimization.toLabel(model.chat(prompts.get("sentiment").format(inputs)).text());
    }

    private static String labelCounts(Dataset data) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Example e : data) {
            String label = String.valueOf(e.outputs());
            counts.merge(label.length() > 20 ? "(other)" : label, 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }
}
