package dev.promptopt.examples;

import static dev.promptopt.examples.ExampleSupport.closeQuietly;
import static dev.promptopt.examples.ExampleSupport.env;
import static dev.promptopt.examples.ExampleSupport.indent;
import static dev.promptopt.examples.ExampleSupport.localOptions;

import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationResult;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptVersion;
import dev.promptopt.RunTracker;
import dev.promptopt.core.ConsoleProgressListener;
import dev.promptopt.core.Datasets;
import dev.promptopt.core.Evaluation;
import dev.promptopt.core.EvaluationResult;
import dev.promptopt.core.MatchOptions;
import dev.promptopt.core.Models;
import dev.promptopt.core.PromptOptimizer;
import dev.promptopt.core.Scorers;
import dev.promptopt.gepa.Gepa;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The sentiment example ({@code scripts/run-example.sh sentiment}): optimize a sentiment prompt with GEPA on embedded defaults — prompts, runs and
 * tracking in local folders, and a real model running in-process (SmolLM2-135M-Instruct through llama.cpp).
 *
 * <p>Environment (all optional):
 * <ul>
 *   <li>{@code PROMPTOPT_TARGET_MODEL}: the model the prompt is for (default {@code local:/smollm2-135m});
 *       e.g. {@code openai:/gpt-4o-mini} with {@code OPENAI_API_KEY} set.</li>
 *   <li>{@code PROMPTOPT_REFLECTION_MODEL}: the model that rewrites the prompt (default: the target model).</li>
 *   <li>{@code PROMPTOPT_MAX_METRIC_CALLS}: the budget (default 60).</li>
 *   <li>{@code PROMPTOPT_WORKDIR}: where prompts/, runs/ and tracking/ go (default {@code ./example-workdir}).</li>
 * </ul>
 */
public final class SentimentOptimization {
    static final String BASE_PROMPT = "Classify the sentiment of the text as positive, negative or neutral.\nText: {{text}}";
    private static final List<String> LABELS = List.of("positive", "negative", "neutral");

    private SentimentOptimization() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        Path workdir = Path.of(env("PROMPTOPT_WORKDIR", "example-workdir"));
        String targetUri = env("PROMPTOPT_TARGET_MODEL", "local:/smollm2-135m");
        String reflectionUri = env("PROMPTOPT_REFLECTION_MODEL", targetUri);
        long budget = Long.parseLong(env("PROMPTOPT_MAX_METRIC_CALLS", "60"));

        PromptRegistry registry = PromptRegistry.inDirectory(workdir.resolve("prompts"));
        PromptVersion base = baseVersion(registry);
        Dataset all = loadDataset();
        Dataset.Split split = all.split(0.5, 7);

        out.printf("Target model: %s, reflection model: %s%n", targetUri, reflectionUri);
        // A label needs few tokens; a rewritten instruction needs room, or it is cut off mid-fence and rejected.
        LanguageModel target = Models.resolve(targetUri, localOptions(targetUri, "64"));
        LanguageModel reflector = Models.resolve(reflectionUri, localOptions(reflectionUri, "768"));

        // The application code: render the prompt, call the model, read a label out of the answer.
        PredictFn predict = (inputs, prompts) -> toLabel(target.chat(prompts.get("sentiment").format(inputs)).text());

        out.printf("Optimizing %s on %d training / %d validation examples, budget %d metric calls%n",
                base.uri(), split.train().size(), split.validation().size(), budget);
        OptimizationResult result = PromptOptimizer.builder()
                .registry(registry)
                .prompts(base.uri())
                .predictFn(predict)
                .trainData(split.train())
                .validationData(split.validation())
                .scorers(Scorers.exactMatch(MatchOptions.lenient()))
                .optimizer(new Gepa(Gepa.options().reflectionModel(reflector).maxMetricCalls(budget)
                        // A small local reflector rarely writes a usable instruction; stop instead of waiting.
                        .noImprovementIterations(8)))
                .maxConcurrency(1) // one local model instance answers one call at a time
                .randomSeed(7)
                .runDirectory(workdir.resolve("runs"))
                .tracker(RunTracker.inDirectory(workdir.resolve("tracking")))
                .experiment("sentiment")
                .listener(ConsoleProgressListener.create())
                .run();

        out.println();
        out.printf(Locale.ROOT, "Baseline validation score: %.3f%n", result.initialScore());
        out.printf(Locale.ROOT, "Best validation score:     %.3f  (%d candidates, %d metric calls, %s)%n",
                result.finalScore(), result.candidates().size(), result.metricCalls(), result.stopReason().description());
        if (result.optimizedPrompts().isEmpty()) {
            out.println("No candidate beat the seed, so nothing was registered. The seed stays " + base.uri() + ".");
        } else {
            PromptVersion v = result.optimizedPrompts().get(0);
            out.println("Registered " + v.uri() + ":");
            out.println(indent(v.template().text()));
        }

        // Use the best prompt (registered or not) on every example, as an application would.
        EvaluationResult check = Evaluation.of(predict).prompts(result.bestTemplates()).data(all)
                .scorers(Scorers.exactMatch(MatchOptions.lenient())).maxConcurrency(1).run();
        out.printf(Locale.ROOT, "Best prompt on all %d examples: %.3f%n", all.size(), check.score());
        out.println("Run folder: " + workdir.resolve("runs").resolve(result.runId()).toAbsolutePath());
        for (LanguageModel m : List.of(target, reflector)) {
            if (m instanceof AutoCloseable c) {
                closeQuietly(c);
            }
        }
        // llama.cpp leaves a native worker thread behind that would keep the JVM alive.
        System.exit(0);
    }

    /** The seed version: reused when the registry already holds it, so repeated runs start from the same text. */
    static PromptVersion baseVersion(PromptRegistry registry) {
        Optional<PromptVersion> first = registry.versions("sentiment").stream().findFirst();
        return first.filter(v -> v.template().text().equals(BASE_PROMPT))
                .orElseGet(() -> registry.register("sentiment", dev.promptopt.PromptTemplate.text(BASE_PROMPT),
                        "seed prompt of the sentiment example", java.util.Map.of()));
    }

    static Dataset loadDataset() throws IOException {
        try (InputStream in = SentimentOptimization.class.getResourceAsStream("/sentiment/sentiment.jsonl")) {
            if (in == null) {
                throw new IllegalStateException("the examples jar lacks sentiment/sentiment.jsonl");
            }
            return Datasets.parse("sentiment.jsonl", new String(in.readAllBytes(), StandardCharsets.UTF_8), DatasetFormat.JSONL);
        }
    }

    /** The first label the answer mentions; the raw answer when it names none (and then scores 0). */
    static String toLabel(String answer) {
        String lower = answer.toLowerCase(Locale.ROOT);
        int best = Integer.MAX_VALUE;
        String label = null;
        for (String l : LABELS) {
            int i = lower.indexOf(l);
            if (i >= 0 && i < best) {
                best = i;
                label = l;
            }
        }
        return label != null ? label : answer.strip();
    }
}
