package dev.promptopt.fewshot;

import dev.promptopt.CandidateRecord;
import dev.promptopt.ChatMessage;
import dev.promptopt.EvaluationBatch;
import dev.promptopt.Example;
import dev.promptopt.ExampleResult;
import dev.promptopt.LanguageModel;
import dev.promptopt.OptimizationContext;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.OptimizationStoppedException;
import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.StopReason;
import dev.promptopt.fewshot.internal.Texts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MetaPrompt optimizer, with the semantics of MLflow's {@code MetaPromptOptimizer}: a capable model rewrites each
 * prompt from a meta-prompt, in one pass or a few. Zero-shot it sees only the templates; with examples it also sees
 * how the current prompt did on some training examples (their inputs, the expected and the actual output, the
 * scorers' feedback), the failures first. Every rewrite must keep every variable and every locked section and fit
 * the maximum length ({@link OptimizationContext#candidateProblems}); a rewrite that does not is rejected with the
 * reason before any call is spent on it. A rewrite is kept when it beats the best so far on the validation set.
 *
 * <pre>{@code
 * PromptOptimizer.builder()...
 *     .optimizer(new MetaPrompt(MetaPromptOptions.of(Models.resolve("openai:/gpt-4o")).passes(2)))
 *     .budget(Budget.metricCalls(100))
 *     .run();
 * }</pre>
 */
public final class MetaPrompt implements Optimizer {
    private static final Logger log = LoggerFactory.getLogger(MetaPrompt.class);
    private static final Pattern FENCE = Pattern.compile("```[a-zA-Z]*\\n(.*?)\\n?```", Pattern.DOTALL);

    /** The checkpointed state: passes done, the best texts by prompt name, their score and the kept rewrites. */
    public record State(int passesDone, Map<String, String> bestTexts, double bestScore, List<Map<String, String>> kept) {
        public State {
            bestTexts = Map.copyOf(bestTexts);
            kept = kept.stream().map(Map::copyOf).toList();
        }
    }

    private final MetaPromptOptions options;

    public MetaPrompt(MetaPromptOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public MetaPromptOptions options() {
        return options;
    }

    @Override
    public String name() {
        return "metaprompt";
    }

    @Override
    public OptimizerOutcome optimize(OptimizationContext ctx) {
        List<Example> validation = ctx.validationData().examples();
        EvaluationBatch seedBatch = ctx.evaluator().evaluate(ctx.seed(), validation); // the baseline: cached
        List<CandidateRecord> records = new ArrayList<>();
        records.add(new CandidateRecord(0, ctx.seed(), List.of(), "seed", seedBatch.mean(), seedBatch.scoresById(), 0));
        State state = ctx.restore(State.class).orElse(new State(0, texts(ctx.seed()), seedBatch.mean(), List.of()));
        // Rewrites kept before a resume: their scores are in the cache.
        for (Map<String, String> kept : state.kept()) {
            PromptSet c = apply(ctx.seed(), kept);
            EvaluationBatch b = ctx.evaluator().evaluate(c, validation);
            records.add(new CandidateRecord(records.size(), c, List.of(records.size() - 1), "metaprompt", b.mean(),
                    b.scoresById(), 0));
        }
        StopReason stop = StopReason.completed(options.passes() + " rewrite pass(es) done");
        try {
            while (state.passesDone() < options.passes()) {
                int pass = state.passesDone() + 1;
                ctx.emit(new OptimizationEvent.IterationStarted(pass));
                PromptSet current = apply(ctx.seed(), state.bestTexts());
                String examples = options.examples() > 0 ? examplesSection(ctx, current) : "";
                Map<String, String> rewritten = new LinkedHashMap<>(state.bestTexts());
                for (String name : current.names()) {
                    PromptTemplate t = current.get(name);
                    String answer;
                    try {
                        answer = options.model().chat(List.of(ChatMessage.user(metaPrompt(ctx, name, t, examples)))).text();
                    } catch (RuntimeException e) {
                        // A failed rewrite call gives up this rewrite, not the run.
                        ctx.emit(new OptimizationEvent.CandidateRejected(pass, "prompt '" + name + "': the rewrite call failed: "
                                + e.getMessage()));
                        continue;
                    }
                    rewritten.put(name, extract(answer));
                }
                PromptSet candidate = apply(ctx.seed(), rewritten);
                State next = new State(pass, state.bestTexts(), state.bestScore(), state.kept());
                if (candidate.equals(current)) {
                    ctx.emit(new OptimizationEvent.CandidateRejected(pass, "the rewrite is the current prompt"));
                } else {
                    ctx.emit(new OptimizationEvent.CandidateProposed(pass, List.of(records.size() - 1), "metaprompt", candidate));
                    List<String> problems = ctx.candidateProblems(candidate);
                    if (!problems.isEmpty()) {
                        ctx.emit(new OptimizationEvent.CandidateRejected(pass, String.join("; ", problems)));
                        log.info("metaprompt pass {}: rewrite rejected: {}", pass, problems);
                    } else {
                        EvaluationBatch b = ctx.evaluator().evaluate(candidate, validation);
                        ctx.emit(new OptimizationEvent.CandidateEvaluated(pass, "validation", validation.size(), b.mean(),
                                ctx.evaluator().metricCallsUsed()));
                        if (b.mean() > state.bestScore()) {
                            List<Map<String, String>> kept = new ArrayList<>(state.kept());
                            kept.add(rewritten);
                            next = new State(pass, rewritten, b.mean(), kept);
                            records.add(new CandidateRecord(records.size(), candidate, List.of(records.size() - 1),
                                    "metaprompt", b.mean(), b.scoresById(), ctx.evaluator().metricCallsUsed()));
                            ctx.emit(new OptimizationEvent.CandidateAccepted(pass, records.size() - 1,
                                    List.of(records.size() - 2), b.mean(), true));
                        } else {
                            ctx.emit(new OptimizationEvent.CandidateRejected(pass, "validation score " + fmt(b.mean())
                                    + " does not beat " + fmt(state.bestScore())));
                        }
                    }
                }
                state = next;
                ctx.checkpoint(state);
            }
        } catch (OptimizationStoppedException e) {
            stop = e.reason();
        }
        return new OptimizerOutcome(apply(ctx.seed(), state.bestTexts()), records, records.size() - 1, stop,
                new MetaPromptStats(state.passesDone(), state.kept().size()));
    }

    /** The meta-prompt for one prompt: the current text, what must stay, and (with examples) how it did. */
    String metaPrompt(OptimizationContext ctx, String name, PromptTemplate t, String examples) {
        StringBuilder sb = new StringBuilder();
        sb.append("You improve prompts for a language model. Rewrite the prompt below so that the model's answers ")
                .append("match the expected outputs more often: state the task, the output format and the constraints ")
                .append("clearly and briefly.\n\n");
        sb.append("Current prompt '").append(name).append("':\n```\n").append(t.optimizableText()).append("\n```\n\n");
        sb.append("Rules for the new prompt:\n");
        java.util.Set<String> vars = PromptTemplate.variablesOf(t.optimizableText());
        if (!vars.isEmpty()) {
            sb.append("- Keep every placeholder exactly as written, each at least once: ");
            sb.append(String.join(", ", vars.stream().map(v -> "{{" + v + "}}").toList())).append(". Add no other placeholder.\n");
        } else {
            sb.append("- Add no placeholder in double braces.\n");
        }
        for (String locked : ctx.constraints().lockedSections(name)) {
            sb.append("- Keep this text unchanged, character for character:\n```\n").append(locked).append("\n```\n");
        }
        if (ctx.constraints().maxPromptChars() > 0) {
            sb.append("- Write at most ").append(ctx.constraints().maxPromptChars()).append(" characters.\n");
        }
        sb.append("\n");
        sb.append(examples);
        sb.append("Answer with the new prompt only, inside one ``` fenced block.");
        return sb.toString();
    }

    private String examplesSection(OptimizationContext ctx, PromptSet current) {
        List<Example> train = new ArrayList<>(ctx.trainData().examples());
        ctx.random().shuffle(train);
        List<Example> sample = train.subList(0, Math.min(train.size(), Math.max(options.examples() * 2, options.examples())));
        EvaluationBatch b = ctx.evaluator().evaluate(current, sample);
        List<ExampleResult> sorted = new ArrayList<>(b.results());
        sorted.sort(Comparator.comparingDouble(ExampleResult::score)); // failures first
        StringBuilder sb = new StringBuilder("How the current prompt did on some examples (lowest scores first):\n");
        for (ExampleResult r : sorted.subList(0, Math.min(options.examples(), sorted.size()))) {
            sb.append("- inputs: ").append(Texts.of(r.example().inputs())).append('\n');
            Object expected = r.example().referenceOutput();
            if (expected != null) {
                sb.append("  expected: ").append(Texts.of(expected)).append('\n');
            }
            sb.append("  output: ").append(r.failed() ? "(failed: " + r.error() + ")" : Texts.of(r.output())).append('\n');
            sb.append("  score: ").append(fmt(r.score()));
            String fb = r.feedbackText();
            if (!fb.isBlank()) {
                sb.append("; feedback: ").append(fb.replace("\n", " | "));
            }
            sb.append('\n');
        }
        return sb.append('\n').toString();
    }

    /** The first fenced block of the answer, else the whole answer trimmed. */
    static String extract(String answer) {
        Matcher m = FENCE.matcher(answer);
        return m.find() ? m.group(1).strip() : answer.strip();
    }

    private static Map<String, String> texts(PromptSet set) {
        Map<String, String> m = new LinkedHashMap<>();
        set.asMap().forEach((k, v) -> m.put(k, v.optimizableText()));
        return m;
    }

    private static PromptSet apply(PromptSet seed, Map<String, String> texts) {
        PromptSet out = seed;
        for (Map.Entry<String, String> e : texts.entrySet()) {
            out = out.with(e.getKey(), seed.get(e.getKey()).withOptimizableText(e.getValue()));
        }
        return out;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
