package dev.promptopt.gepa.internal;

import dev.promptopt.ChatMessage;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a GEPA run needs to continue where it stopped, checkpointed as JSON after every step that
 * spends calls. Plain public fields and nested POJOs so any Jackson mapper round-trips it without
 * annotations; the run's RNG state and evaluation cache are saved by the engine next to it.
 */
public final class GepaState {
    /** Bumped when the layout changes incompatibly. */
    public int version = 1;
    public long seed;
    /** The step the last checkpoint was taken after, e.g. {@code minibatch}; for logs and tests. */
    public String lastStep = "start";

    public List<Candidate> candidates = new ArrayList<>();
    /** Validation ids in validation-set order. */
    public List<String> validationIds = new ArrayList<>();
    /** Per validation id: the best score any candidate reached. */
    public Map<String, Double> bestScoreByInstance = new LinkedHashMap<>();
    /** Per validation id: the candidates at that best score, ascending. */
    public Map<String, List<Integer>> bestCandidatesByInstance = new LinkedHashMap<>();

    public int iteration;
    public int fullValidations;
    public int proposalsAccepted;
    public int proposalsRejected;
    public int skippedPerfect;
    /** Proposals dropped while in flight because their parent left the front (parallel proposals only). */
    public int proposalsDropped;
    /** Extra reflection requests sent by hedging ({@code GepaOptions.reflectionHedging}). */
    public int hedgedReflections;
    /** Reason key -> count (e.g. {@code not_better}, {@code unclosed_fence}). */
    public Map<String, Integer> rejectionReasons = new TreeMap<>();
    public int iterationsWithoutImprovement;
    /** Consecutive iterations that spent no metric call (everything they tried was already scored). */
    public int stalledIterations;

    /** Epoch-shuffled minibatch sampler. */
    public Sampler sampler = new Sampler();

    public int mergesDue;
    public int mergesAttempted;
    public int mergesAccepted;
    public boolean lastIterationFoundNew;
    /** (i, j, ancestor) triples already tried. */
    public List<List<Integer>> mergedTriples = new ArrayList<>();
    /** (i, j, component sources...) descriptions already produced, so the same merge is not built twice. */
    public List<List<Integer>> mergedDescriptions = new ArrayList<>();

    /**
     * Children accepted on their minibatch whose validation the budget could not cover (reported, not dropped):
     * iteration, parent, minibatch sums and templates.
     */
    public List<dev.promptopt.gepa.GepaStats.UnvalidatedCandidate> unvalidated = new ArrayList<>();

    /**
     * The iteration in progress, or null between iterations. Read from checkpoints of the sequential layout
     * only: a restored run moves it into {@link #inFlight}.
     */
    public Pending pending;
    /**
     * With parallel proposals: (candidate fingerprint / example id) pairs evaluated by folded proposals, so
     * whether a proposal spent a new evaluation does not depend on which proposal happened to pay for it.
     */
    public java.util.Set<String> evaluatedPairs = new java.util.TreeSet<>();
    /** Proposals started and not yet folded into the pool, by ascending proposal number (= iteration). */
    public List<Pending> inFlight = new ArrayList<>();

    /** One kept candidate. */
    public static final class Candidate {
        public Map<String, TemplateData> templates = new TreeMap<>();
        public List<Integer> parents = new ArrayList<>();
        public String origin;
        /** Validation id -> score, in validation order. */
        public Map<String, Double> validationScores = new LinkedHashMap<>();
        public double score;
        public long foundAtMetricCall;
        /** Round robin: index (into the sorted prompt names) of the prompt this candidate rewrites next. */
        public int nextComponent;
        public int foundAtIteration;
        /** Objective -> mean over the validation set (each scorer, plus the optional objectives; higher is better). */
        public Map<String, Double> objectiveScores = new TreeMap<>();
        /** Validation id -> objective -> value, for the cartesian front. */
        public Map<String, Map<String, Double>> validationObjectiveScores = new LinkedHashMap<>();
        /** Train example ids this candidate has been scored on (as a parent): the stall stop waits for all. */
        public java.util.Set<String> trainEvaluated = new java.util.TreeSet<>();

        public PromptSet toPromptSet() {
            return GepaState.toPromptSet(templates);
        }
    }

    /** A template as JSON-friendly data. */
    public static final class TemplateData {
        public PromptTemplate.Kind kind;
        public String text;
        public List<Message> messages;

        public static TemplateData of(PromptTemplate t) {
            TemplateData d = new TemplateData();
            d.kind = t.kind();
            if (t.isChat()) {
                d.messages = new ArrayList<>();
                for (ChatMessage m : t.messages()) {
                    Message mm = new Message();
                    mm.role = m.role();
                    mm.content = m.content();
                    d.messages.add(mm);
                }
            } else {
                d.text = t.text();
            }
            return d;
        }

        public PromptTemplate toTemplate() {
            if (kind == PromptTemplate.Kind.CHAT) {
                List<ChatMessage> ms = new ArrayList<>();
                for (Message m : messages) {
                    ms.add(new ChatMessage(m.role, m.content));
                }
                return PromptTemplate.chat(ms);
            }
            return PromptTemplate.text(text);
        }
    }

    /** One chat message. */
    public static final class Message {
        public String role;
        public String content;
    }

    /** Epoch-shuffled minibatch sampler state. */
    public static final class Sampler {
        public int epoch = -1;
        public List<String> order = new ArrayList<>();
        public int position;
        /** Train id -> how many times it has been scheduled. */
        public Map<String, Integer> useCounts = new LinkedHashMap<>();
    }

    /** The iteration in progress: what is already decided, so a resume neither re-draws nor re-calls. */
    public static final class Pending {
        public int iteration;
        public long metricCallsAtStart;
        /** Set once the merge decision for this iteration was taken; {@code merge} is null when none was attempted. */
        public boolean mergeDecided;
        public MergeStep merge;

        public Integer parent;
        public List<String> minibatchIds;
        public Map<String, Double> parentScores;
        /** Example id -> dollars of the parent's metered minibatch calls (cost objective; null in older checkpoints). */
        public Map<String, Double> parentCosts;
        /** What reflection reads, saved so a resume does not need the parent's outputs again. */
        public List<ReflectionExample> reflectionExamples;
        public boolean skipped;
        public List<String> components;
        /** Component -> raw reflection output, filled call by call. */
        public Map<String, String> reflectionOutputs;
        /** The child's templates once its proposal passed the checks. */
        public Map<String, TemplateData> child;
        public Map<String, Double> childScores;
        /** Example id -> dollars of the child's metered minibatch calls (cost objective). */
        public Map<String, Double> childCosts;
        /** Set when this iteration's proposal was rejected (the reason key). */
        public String rejected;
        /** The rejection's explanation, for the event sent when the proposal is folded. */
        public String rejectedBecause;
        /** The child's (or merged candidate's) full validation, once it passed the minibatch. */
        public Validation validation;
        /** Metric calls this proposal's own batches spent (cache hits excluded). */
        public long metricCalls;
        /** Set once the child (or merged candidate) won its minibatch (subsample) and goes to full validation. */
        public boolean won;
        /** Set when the proposal ran to its end and waits to be folded into the pool. */
        public boolean done;
        /**
         * Set while the proposal runs ahead of its parent's fold ({@code GepaOptions#proposeDuringValidation}): its
         * parent is the child of proposal {@code baseIteration} (templates {@code baseTemplates}), to become
         * candidate {@link #parent} if that proposal's fold adds it and the front's draw picks it then. Both are
         * cleared once the draw confirmed it.
         */
        public Integer baseIteration;
        public Map<String, TemplateData> baseTemplates;

        /** Whether the proposal still waits for its parent's fold to confirm that parent. */
        public boolean provisional() {
            return baseIteration != null;
        }

        /** Set once proposals were started from this proposal's child before its fold. */
        public boolean nextStarted;
    }

    /** A candidate's full validation, kept until the proposal is folded. */
    public static final class Validation {
        public Map<String, Double> scores = new LinkedHashMap<>();
        public Map<String, Map<String, Double>> objectives = new LinkedHashMap<>();
        public double mean;
        public long metricCallsAfter;
    }

    /** A merge being tried. */
    public static final class MergeStep {
        public int first;
        public int second;
        public int ancestor;
        public Map<String, TemplateData> merged;
        public List<String> subsampleIds;
        public Map<String, Double> mergedScores;
        public boolean accepted;
    }

    /** One minibatch example as reflection sees it. */
    public static final class ReflectionExample {
        public String exampleId;
        public String output;
        public String feedback;
        public double score;
    }

    public static Map<String, TemplateData> toData(PromptSet set) {
        Map<String, TemplateData> m = new TreeMap<>();
        set.asMap().forEach((k, v) -> m.put(k, TemplateData.of(v)));
        return m;
    }

    public static PromptSet toPromptSet(Map<String, TemplateData> data) {
        Map<String, PromptTemplate> m = new LinkedHashMap<>();
        data.forEach((k, v) -> m.put(k, v.toTemplate()));
        return PromptSet.of(m);
    }
}
