package dev.promptopt.managed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptopt.Budget;
import dev.promptopt.CandidateRecord;
import dev.promptopt.ChatMessage;
import dev.promptopt.Dataset;
import dev.promptopt.Evaluator;
import dev.promptopt.OptimizationContext;
import dev.promptopt.OptimizationEvent;
import dev.promptopt.Optimizer;
import dev.promptopt.OptimizerOutcome;
import dev.promptopt.PromptConstraints;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Rng;
import dev.promptopt.StopReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Optimizers run one after the other, each starting from the best templates of the one before: e.g. GEPA for the
 * instruction, then few-shot demonstrations. Every stage goes through the run's one engine (budget, cache,
 * concurrency, events), and its checkpoints are nested in the sequence's, so a killed run resumes inside the stage
 * it was in. The candidates of all stages make one lineage: a stage's seed is the previous stage's best.
 *
 * <pre>{@code
 * Optimizer both = OptimizerSequence.of(new Gepa(Gepa.options().reflectionModel(reflector)), new FewShot());
 * PromptOptimizer.builder()...optimizer(both).budget(Budget.metricCalls(400)).run();
 * }</pre>
 */
public final class OptimizerSequence implements Optimizer {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    /** The checkpointed state: the stage running, the templates it started from, and the stage's own state. */
    public record State(int stage, Map<String, TemplateJson> stageSeed, List<CandidateJson> earlier, int earlierBest,
                        JsonNode stageState) {
    }

    /** A template as JSON. */
    public record TemplateJson(String kind, String text, List<Map<String, String>> messages) {
        static TemplateJson of(PromptTemplate t) {
            return t.isChat()
                    ? new TemplateJson("chat", null, t.messages().stream().map(m -> Map.of("role", m.role(), "content", m.content())).toList())
                    : new TemplateJson("text", t.text(), null);
        }

        PromptTemplate toTemplate() {
            return "chat".equals(kind)
                    ? PromptTemplate.chat(messages.stream().map(m -> new ChatMessage(m.get("role"), m.get("content"))).toList())
                    : PromptTemplate.text(text);
        }
    }

    /** A candidate of an earlier stage, as JSON. */
    public record CandidateJson(Map<String, TemplateJson> templates, List<Integer> parents, String origin, double score,
                                Map<String, Double> validationScores, long foundAtMetricCall) {
    }

    private final List<Optimizer> stages;

    private OptimizerSequence(List<Optimizer> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a sequence needs at least one optimizer, found none");
        }
        this.stages = List.copyOf(stages);
    }

    public static OptimizerSequence of(Optimizer... stages) {
        return new OptimizerSequence(List.of(stages));
    }

    public static OptimizerSequence of(List<Optimizer> stages) {
        return new OptimizerSequence(stages);
    }

    public List<Optimizer> stages() {
        return stages;
    }

    @Override
    public String name() {
        return String.join("+", stages.stream().map(Optimizer::name).toList());
    }

    /**
     * None of its own: a stage's own limit (e.g. GEPA's max metric calls) would bound the whole run, so the run's
     * budget ({@code PromptOptimizer.Builder.budget}) governs the sequence, and each stage stops early on its own
     * terms (no improvement, search finished).
     */
    @Override
    public Optional<Budget> budget() {
        return Optional.empty();
    }

    @Override
    public List<String> validate(OptimizationContext ctx) {
        List<String> problems = new ArrayList<>();
        for (Optimizer o : stages) {
            for (String p : o.validate(ctx)) {
                problems.add(p.startsWith("warning:") ? p : o.name() + ": " + p);
            }
        }
        return problems;
    }

    @Override
    public OptimizerOutcome optimize(OptimizationContext ctx) {
        State state = ctx.restore(State.class).orElse(null);
        int first = 0;
        PromptSet stageSeed = ctx.seed();
        List<CandidateRecord> all = new ArrayList<>();
        int bestIndex = 0;
        if (state != null) {
            first = state.stage();
            stageSeed = fromJson(state.stageSeed());
            for (CandidateJson c : state.earlier()) {
                all.add(new CandidateRecord(all.size(), fromJson(c.templates()), c.parents(), c.origin(), c.score(),
                        c.validationScores(), c.foundAtMetricCall()));
            }
            bestIndex = state.earlierBest();
        }
        OptimizerOutcome last = null;
        List<SequenceStats.Stage> stageStats = new ArrayList<>();
        for (int i = first; i < stages.size(); i++) {
            Optimizer stage = stages.get(i);
            JsonNode stageState = state != null && i == state.stage() ? state.stageState() : null;
            StageContext sc = new StageContext(ctx, i, stageSeed, all, bestIndex, stageState);
            if (stageState == null) {
                sc.checkpoint(null);
            }
            OptimizerOutcome o = stage.optimize(sc);
            int offset = all.size();
            int seedIndex = all.isEmpty() ? -1 : bestIndex;
            for (CandidateRecord c : o.candidates()) {
                if (c.index() == 0 && seedIndex >= 0) {
                    continue; // the stage's seed is the previous stage's best, already listed
                }
                List<Integer> parents = new ArrayList<>();
                for (int p : c.parents()) {
                    parents.add(p == 0 && seedIndex >= 0 ? seedIndex : p + offset - (seedIndex >= 0 ? 1 : 0));
                }
                String origin = c.index() == 0 ? "seed" : stage.name() + ":" + c.origin();
                all.add(new CandidateRecord(all.size(), c.templates(), parents, origin, c.score(),
                        c.validationScores(), c.foundAtMetricCall()));
            }
            bestIndex = o.bestIndex() == 0 && seedIndex >= 0 ? seedIndex : o.bestIndex() + offset - (seedIndex >= 0 ? 1 : 0);
            stageSeed = o.best();
            stageStats.add(new SequenceStats.Stage(stage.name(), o.stats()));
            last = o;
            if (i + 1 < stages.size()) {
                ctx.checkpoint(new State(i + 1, toJson(stageSeed), toJson(all), bestIndex, null));
            }
            if (ctx.stopReason().isPresent()) {
                break; // the run's budget, wall time, stop file or cancellation: no later stage can start
            }
        }
        StopReason stop = last == null ? StopReason.completed("nothing to run") : last.stopReason();
        return new OptimizerOutcome(stageSeed, all, bestIndex, stop, new SequenceStats(stageStats));
    }

    private static Map<String, TemplateJson> toJson(PromptSet set) {
        Map<String, TemplateJson> m = new LinkedHashMap<>();
        set.asMap().forEach((k, v) -> m.put(k, TemplateJson.of(v)));
        return m;
    }

    private static List<CandidateJson> toJson(List<CandidateRecord> records) {
        return records.stream().map(c -> new CandidateJson(toJson(c.templates()), c.parents(), c.origin(), c.score(),
                c.validationScores(), c.foundAtMetricCall())).toList();
    }

    private static PromptSet fromJson(Map<String, TemplateJson> m) {
        Map<String, PromptTemplate> t = new LinkedHashMap<>();
        m.forEach((k, v) -> t.put(k, v.toTemplate()));
        return PromptSet.of(t);
    }

    /** The run's context as one stage sees it: its own seed, and checkpoints nested in the sequence's state. */
    private static final class StageContext implements OptimizationContext {
        private final OptimizationContext run;
        private final int stage;
        private final PromptSet seed;
        private final List<CandidateRecord> earlier;
        private final int earlierBest;
        private final JsonNode restored;

        StageContext(OptimizationContext run, int stage, PromptSet seed, List<CandidateRecord> earlier, int earlierBest,
                     JsonNode restored) {
            this.run = run;
            this.stage = stage;
            this.seed = seed;
            this.earlier = List.copyOf(earlier);
            this.earlierBest = earlierBest;
            this.restored = restored;
        }

        @Override
        public PromptSet seed() {
            return seed;
        }

        @Override
        public Dataset trainData() {
            return run.trainData();
        }

        @Override
        public Dataset validationData() {
            return run.validationData();
        }

        @Override
        public Evaluator evaluator() {
            return run.evaluator();
        }

        @Override
        public Rng random() {
            return run.random();
        }

        @Override
        public long randomSeed() {
            return run.randomSeed();
        }

        @Override
        public Budget budget() {
            return run.budget();
        }

        @Override
        public Optional<StopReason> stopReason() {
            return run.stopReason();
        }

        @Override
        public void emit(OptimizationEvent event) {
            run.emit(event);
        }

        /** Checked against the run's seed: no stage may drop a variable or break a constraint of the original. */
        @Override
        public List<String> candidateProblems(PromptSet candidate) {
            return run.candidateProblems(candidate);
        }

        @Override
        public PromptConstraints constraints() {
            return run.constraints();
        }

        @Override
        public void checkpoint(Object optimizerState) {
            JsonNode node = optimizerState == null ? null : MAPPER.valueToTree(optimizerState);
            run.checkpoint(new State(stage, toJson(seed), toJson(earlier), earlierBest, node));
        }

        @Override
        public <T> Optional<T> restore(Class<T> stateType) {
            if (restored == null || restored.isNull()) {
                return Optional.empty();
            }
            try {
                return Optional.of(MAPPER.treeToValue(restored, stateType));
            } catch (JsonProcessingException e) {
                throw new PromptOptimizerException("the checkpoint of stage " + (stage + 1) + " does not hold a "
                        + stateType.getSimpleName() + ": " + e.getOriginalMessage(), e);
            }
        }
    }
}
