package dev.promptopt.examples;

import static dev.promptopt.examples.ExampleSupport.closeQuietly;
import static dev.promptopt.examples.ExampleSupport.env;
import static dev.promptopt.examples.ExampleSupport.indent;
import static dev.promptopt.examples.ExampleSupport.localOptions;

import dev.promptopt.Budget;
import dev.promptopt.ChatMessage;
import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.Example;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.Optimizer;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.RunTracker;
import dev.promptopt.Scorer;
import dev.promptopt.core.ConsoleProgressListener;
import dev.promptopt.core.Datasets;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.MatchOptions;
import dev.promptopt.core.Models;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.core.tracing.LocalTraces;
import dev.promptopt.fewshot.FewShot;
import dev.promptopt.fewshot.FewShotOptions;
import dev.promptopt.managed.OptimizerSequence;
import dev.promptopt.gepa.Gepa;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model migration, the MLflow way, in Java and offline on embedded defaults: keep a prompt working when the
 * application moves from one model to another, and measure the gain on data the optimizer never saw.
 *
 * <ol>
 *   <li>Register the sentiment prompt in a local registry ({@code prompts:/sentiment/1}).</li>
 *   <li>Run the application's predict function with the ORIGINAL model on 42 production inputs
 *       ({@code sentiment/migration-traffic.jsonl}), recording every call as a local trace ({@link LocalTraces}).</li>
 *   <li>Turn the traces into a dataset whose reference outputs are what the original model answered, split into
 *       training and validation data.</li>
 *   <li>Optimize the registered prompt for the TARGET model: offline with few-shot demonstrations ({@link FewShot}),
 *       with hosted models with GEPA (or {@code PROMPTOPT_OPTIMIZER}).</li>
 *   <li>Load the result from the registry and score the target model before (seed) and after (loaded version) on a
 *       held-out test split of 66 sentences ({@code sentiment/migration-test.jsonl}) that the optimizer never saw;
 *       then use it on two new inputs.</li>
 * </ol>
 *
 * <p><b>Offline</b> the target is {@code local:/smollm2-135m} (SmolLM2-135M-Instruct, in-process through llama.cpp).
 * The original model is played by <b>recorded answers</b>: the labels written with the sentences, which are short and
 * unambiguous, so they are what a capable model (e.g. gpt-4o) answers. A 135M model as the original would get about
 * half of them wrong, and migrating toward wrong answers measures nothing. The trace file says so
 * ({@code original-recorded-answers}). The scorer is exact agreement of labels (lenient: case and spaces ignored),
 * which needs no judge. SmolLM2-135M can neither judge nor reflect, so GEPA has nothing to work with there; choosing
 * demonstrations needs only the target model, which is why the offline run uses the few-shot optimizer.
 *
 * <p><b>Hosted</b> ({@code PROMPTOPT_ORIGINAL_MODEL} set to a real model): the original model answers the inputs
 * (traffic and test) with the registered prompt, as production did; GEPA optimizes with a reflection model.
 *
 * <p>Environment (all optional):
 * <ul>
 *   <li>{@code PROMPTOPT_ORIGINAL_MODEL}: the model the application used (default: recorded answers).</li>
 *   <li>{@code PROMPTOPT_TARGET_MODEL}: the model to migrate to (default {@code local:/smollm2-135m}).</li>
 *   <li>{@code PROMPTOPT_OPTIMIZER}: {@code fewshot}, {@code gepa} or {@code gepa+fewshot} (default: fewshot when the
 *       target is local, gepa otherwise).</li>
 *   <li>{@code PROMPTOPT_REFLECTION_MODEL}: GEPA's reflection model (default: the target model).</li>
 *   <li>{@code PROMPTOPT_MAX_METRIC_CALLS}: the optimizer's budget (default 200).</li>
 *   <li>{@code PROMPTOPT_MAX_MINUTES}: wall-time budget of the optimization (default 4).</li>
 *   <li>{@code PROMPTOPT_WORKDIR}: where prompts/, traces/, runs/ and tracking/ go (default
 *       {@code example-workdir/migration}). Traces are captured once and reused; delete {@code traces/} to capture again.</li>
 * </ul>
 *
 * <pre>{@code
 * scripts/run-example.sh
 * OPENAI_API_KEY=... PROMPTOPT_ORIGINAL_MODEL=openai:/gpt-4o PROMPTOPT_TARGET_MODEL=openai:/gpt-4o-mini \
 *   PROMPTOPT_REFLECTION_MODEL=openai:/gpt-4o PROMPTOPT_MAX_METRIC_CALLS=150 scripts/run-example.sh
 * }</pre>
 */
public final class ModelMigration {
    /** The experiment name of the offline original's traces: they are recorded answers, not a model's. */
    static final String RECORDED = "recorded-answers";

    private static final List<String> NEW_INPUTS = List.of(
            "The hotel room was spotless and the staff went out of their way to help us.",
            "My order arrived two weeks late and nobody answered my emails.");

    private ModelMigration() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        long started = System.nanoTime();
        Path workdir = Path.of(env("PROMPTOPT_WORKDIR", "example-workdir/migration"));
        String originalUri = env("PROMPTOPT_ORIGINAL_MODEL", RECORDED);
        String targetUri = env("PROMPTOPT_TARGET_MODEL", "local:/smollm2-135m");
        String optimizerName = env("PROMPTOPT_OPTIMIZER", targetUri.startsWith("local:") ? "fewshot" : "gepa");
        String reflectionUri = env("PROMPTOPT_REFLECTION_MODEL", targetUri);
        long budget = Long.parseLong(env("PROMPTOPT_MAX_METRIC_CALLS", "200"));
        Duration wallTime = Duration.ofMinutes(Long.parseLong(env("PROMPTOPT_MAX_MINUTES", "4")));
        boolean recorded = originalUri.equals(RECORDED);

        // 1. The prompt, as the application loads it.
        PromptRegistry registry = PromptRegistry.inDirectory(workdir.resolve("prompts"));
        PromptVersion seed = seedVersion(registry);
        out.printf("Prompt %s (chat):%n%s%n", seed.uri(), indent(seed.template().text()));
        out.printf("Original model: %s, target model: %s, optimizer: %s%n", originalUri, targetUri, optimizerName);
        Dataset traffic = load("migration-traffic.jsonl");
        Dataset test = load("migration-test.jsonl");
        if (recorded) {
            out.println("Offline, the ORIGINAL model is played by recorded answers: the labels written with these short,"
                    + " unambiguous sentences, i.e. what a capable model answers. (SmolLM2-135M as the original would get"
                    + " about half wrong, and migrating toward wrong answers measures nothing.) Set"
                    + " PROMPTOPT_ORIGINAL_MODEL to record a real model instead.");
        }

        // A label needs few tokens; GEPA's rewritten instruction needs room.
        LanguageModel original = recorded ? null : Models.resolve(originalUri, localOptions(originalUri, "8"));
        LanguageModel target = Models.resolve(targetUri, localOptions(targetUri, "8"));
        boolean needsReflection = optimizerName.contains("gepa");
        LanguageModel reflector = needsReflection ? Models.resolve(reflectionUri, localOptions(reflectionUri, "768")) : null;

        // The application code: render the prompt, call the model, read a label.
        PredictFn originalPredict = recorded ? recordedAnswers(traffic, test) : predictFn(original);
        PredictFn targetPredict = predictFn(target);
        PromptSet seedPrompts = PromptSet.of("sentiment", seed.template());

        // 2. Production: the original model answers, and every call is traced.
        LocalTraces traces = LocalTraces.inDirectory(workdir.resolve("traces"));
        String experiment = "original-" + originalUri.replaceAll("[^A-Za-z0-9._-]+", "-");
        capture(out, traces, experiment, originalPredict, seedPrompts, traffic);
        capture(out, traces, experiment + "-test", originalPredict, seedPrompts, test);

        // 3. The data: inputs and what the original model answered. The test split stays out of the optimization.
        Dataset fromTraces = traces.toDataset(experiment);
        Dataset testFromTraces = traces.toDataset(experiment + "-test");
        out.printf("Data from traces: %d examples for optimization, original answers: %s; %d held-out test examples%n",
                fromTraces.size(), labelCounts(fromTraces), testFromTraces.size());
        Dataset.Split split = fromTraces.split(0.5, 7);

        // 4. Optimize the registered prompt for the target model.
        Scorer agreement = Scorers.named("agreement-with-original", Scorers.exactMatch(MatchOptions.lenient()));
        out.printf("Optimizing %s for %s with %s on %d training / %d validation examples, budget %d metric calls or %s%n",
                seed.uri(), targetUri, optimizerName, split.train().size(), split.validation().size(), budget, wallTime);
        boolean local = targetUri.startsWith("local:");
        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry)
                .prompts(seed.uri())
                .predictFn(targetPredict)
                .trainData(split.train())
                .validationData(split.validation())
                .scorers(agreement)
                .optimizer(optimizer(optimizerName, reflector, budget))
                .budget(Budget.wallTime(wallTime).withMetricCalls(budget))
                .maxConcurrency(local ? 1 : 4)   // one in-process model answers one call at a time
                .randomSeed(7)
                .runDirectory(workdir.resolve("runs"))
                .tracker(RunTracker.inDirectory(workdir.resolve("tracking")))
                .experiment("sentiment-migration")
                .listener(ConsoleProgressListener.create())
                .run();

        out.println();
        out.printf(Locale.ROOT, "Validation (%d examples, used by the optimizer): seed %.3f -> best %.3f  (%d candidates, %d metric calls, %s)%n",
                split.validation().size(), result.initialScore(), result.finalScore(), result.candidates().size(),
                result.metricCalls(), result.stopReason().description());

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

        // The measurement that counts: the held-out test split, before and after.
        EvaluationResult before = Evaluation.of(targetPredict).prompts(seedPrompts).data(testFromTraces)
                .scorers(agreement).maxConcurrency(local ? 1 : 4).run();
        EvaluationResult after = chosen.version() == seed.version() ? before
                : Evaluation.of(targetPredict).prompts(chosenPrompts).data(testFromTraces)
                        .scorers(agreement).maxConcurrency(local ? 1 : 4).run();
        int n = testFromTraces.size();
        out.printf(Locale.ROOT, "Held-out test split (n=%d, never seen by the optimizer), agreement with the original:%n", n);
        out.printf(Locale.ROOT, "  before (%s): %.3f (%d/%d)%n", seed.uri(), before.score(), Math.round(before.score() * n), n);
        out.printf(Locale.ROOT, "  after  (%s): %.3f (%d/%d)%n", chosen.uri(), after.score(), Math.round(after.score() * n), n);
        out.printf(Locale.ROOT, "  gain: %+.3f%n", after.score() - before.score());

        out.println("Two new inputs:");
        for (String text : NEW_INPUTS) {
            Map<String, Object> inputs = Map.of("text", text);
            out.printf("  \"%s\"%n    target model with %s: %s   with %s: %s%n", text, seed.uri(),
                    targetPredict.predict(inputs, seedPrompts), chosen.uri(), targetPredict.predict(inputs, chosenPrompts));
        }
        out.println("Run folder: " + workdir.resolve("runs").resolve(result.runId()).toAbsolutePath());
        out.printf(Locale.ROOT, "Total time: %.1f s%n", (System.nanoTime() - started) / 1e9);

        Map<LanguageModel, Boolean> closed = new IdentityHashMap<>();
        for (LanguageModel m : java.util.Arrays.asList(original, target, reflector)) {
            if (m != null && closed.put(m, Boolean.TRUE) == null && m instanceof AutoCloseable c) {
                closeQuietly(c);
            }
        }
        // llama.cpp leaves a native worker thread behind that would keep the JVM alive.
        System.exit(0);
    }

    /** The optimizer the run uses: few-shot demonstrations, GEPA, or GEPA for the instruction then demonstrations. */
    public static Optimizer optimizer(String name, LanguageModel reflector, long budget) {
        FewShot fewShot = new FewShot(fewShotOptions());
        return switch (name) {
            case "fewshot" -> fewShot;
            case "gepa" -> new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(budget).noImprovementIterations(4));
            case "gepa+fewshot" -> OptimizerSequence.of(
                    new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(budget / 2).noImprovementIterations(4)),
                    fewShot);
            default -> throw new IllegalArgumentException("PROMPTOPT_OPTIMIZER: expected fewshot, gepa or gepa+fewshot, found '"
                    + name + "'");
        };
    }

    /** 3 to 6 demonstrations (user/assistant turns in the chat prompt), 12 random sets. */
    public static FewShotOptions fewShotOptions() {
        return FewShotOptions.ofDefaults().maxDemos(6).minDemos(3).candidateSets(12);
    }

    /** Records the original model's answers to the inputs once; later runs reuse the traces. */
    public static void capture(PrintStream out, LocalTraces traces, String experiment, PredictFn originalPredict, PromptSet prompts,
                        Dataset inputs) throws IOException {
        if (!traces.read(experiment).isEmpty()) {
            out.printf("Reusing %d traces in %s (delete that folder to capture again)%n", traces.read(experiment).size(),
                    traces.file(experiment));
            return;
        }
        out.printf("Capturing the original's answers to %d inputs into %s%n", inputs.size(), traces.file(experiment));
        PredictFn traced = traces.wrap(originalPredict, experiment);
        for (Example e : inputs) {
            try {
                traced.predict(e.inputs(), prompts);
            } catch (Exception ex) {
                out.printf("  %s failed (recorded as a failed trace): %s%n", e.id(), ex.getMessage());
            }
        }
    }

    /** The offline original: answers every known input with its recorded label, and fails on any other. */
    public static PredictFn recordedAnswers(Dataset... datasets) {
        Map<String, String> answers = new HashMap<>();
        for (Dataset d : datasets) {
            for (Example e : d) {
                answers.put(String.valueOf(e.inputs().get("text")), String.valueOf(e.outputs()));
            }
        }
        return (inputs, prompts) -> {
            String answer = answers.get(String.valueOf(inputs.get("text")));
            if (answer == null) {
                throw new IllegalArgumentException("no recorded answer for input " + inputs);
            }
            return answer;
        };
    }

    /** The chat prompt the application uses: the instruction as the system message, the text as the user message. */
    public static final PromptTemplate SEED = PromptTemplate.chat(List.of(
            ChatMessage.system("Classify the sentiment of the text as positive, negative or neutral. Answer with one word."),
            ChatMessage.user("Text: {{text}}")));

    /** Version 1 of {@code sentiment}: registered on first use, reused afterwards. */
    public static PromptVersion seedVersion(PromptRegistry registry) {
        return registry.versions("sentiment").stream().findFirst().filter(v -> v.template().equals(SEED))
                .orElseGet(() -> registry.register("sentiment", SEED, "the application's prompt", Map.of()));
    }

    /**
     * The application's predict function for one model: it renders the chat prompt, calls the model and stores the
     * answer as the label (its first line, lower case, without a final full stop). An answer that is not a label
     * (e.g. "The text is positive, with...") is wrong for the application, which files the label as it is.
     */
    public static PredictFn predictFn(LanguageModel model) {
        return (inputs, prompts) -> label(model.chat(prompts.get("sentiment").formatMessages(inputs)).text());
    }

    public static String label(String answer) {
        String first = answer.strip().lines().findFirst().orElse("").strip().toLowerCase(Locale.ROOT);
        return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
    }

    public static Dataset load(String file) throws IOException {
        try (InputStream in = ModelMigration.class.getResourceAsStream("/sentiment/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the examples jar lacks sentiment/" + file);
            }
            return Datasets.parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8), DatasetFormat.JSONL);
        }
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
