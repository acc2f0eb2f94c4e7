package dev.promptopt.gepa;

import dev.promptopt.Budget;
import dev.promptopt.ChatMessage;
import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelResponse;
import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import dev.promptopt.Scorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted task with hidden rules. Every word belongs to a category and the right answer applies that
 * category's transformation. The target model knows the categories but applies a transformation only when
 * its prompt holds the line {@code RULE: <category>}; otherwise it echoes the word. The scorer's rationale
 * names the rule that was missing, and the reflection model adds the rules it reads in the feedback to the
 * instruction it was given (at most {@code rulesPerReflection} per call, so learning takes several steps).
 */
final class RuleWorld {
    static final Map<String, String> CATEGORY = new LinkedHashMap<>();
    static final Map<String, Function<String, String>> TRANSFORM = new LinkedHashMap<>();

    static {
        for (String w : List.of("apple", "banana", "cherry", "grape", "lemon", "mango")) {
            CATEGORY.put(w, "fruit");
        }
        for (String w : List.of("tiger", "horse", "zebra", "camel", "otter", "panda")) {
            CATEGORY.put(w, "animal");
        }
        for (String w : List.of("red", "blue", "green", "amber", "ivory", "olive")) {
            CATEGORY.put(w, "color");
        }
        for (String w : List.of("paris", "tokyo", "rome", "cairo", "lima", "oslo")) {
            CATEGORY.put(w, "city");
        }
        TRANSFORM.put("fruit", w -> w.toUpperCase());
        TRANSFORM.put("animal", w -> new StringBuilder(w).reverse().toString());
        TRANSFORM.put("color", w -> w + "!");
        TRANSFORM.put("city", w -> "city:" + w);
    }

    private static final Pattern RULE = Pattern.compile("RULE: (\\w+)");
    private static final Pattern WORD = Pattern.compile("Word: (\\w+)");

    /** Scripted target model: obeys only the rules present in its prompt. Counts calls and keeps prompts. */
    static final class Target implements LanguageModel {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> prompts = new CopyOnWriteArrayList<>();
        final long latencyMillis;

        Target(long latencyMillis) {
            this.latencyMillis = latencyMillis;
        }

        @Override
        public String name() {
            return "scripted:/target";
        }

        @Override
        public ModelResponse chat(List<ChatMessage> messages) {
            calls.incrementAndGet();
            String prompt = messages.get(messages.size() - 1).content();
            prompts.add(prompt);
            if (latencyMillis > 0) {
                try {
                    Thread.sleep(latencyMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Matcher w = WORD.matcher(prompt);
            if (!w.find()) {
                return ModelResponse.of("?");
            }
            String word = w.group(1);
            Set<String> rules = rules(prompt);
            String category = CATEGORY.get(word);
            return ModelResponse.of(category != null && rules.contains(category) ? TRANSFORM.get(category).apply(word) : word);
        }
    }

    /**
     * Scripted reflection model: reads the current instruction from the first fenced block and the missing
     * rules from the feedback, and answers with the instruction plus those rules in a fenced block. Answers
     * queued in {@code scripted} are returned first, verbatim.
     */
    static final class Reflector implements LanguageModel {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> prompts = new CopyOnWriteArrayList<>();
        final List<String> scripted = new CopyOnWriteArrayList<>();
        final int rulesPerReflection;
        /** The most rules one instruction keeps; older ones are forgotten first (makes siblings differ). */
        final int capacity;

        Reflector(int rulesPerReflection) {
            this(rulesPerReflection, Integer.MAX_VALUE);
        }

        Reflector(int rulesPerReflection, int capacity) {
            this.rulesPerReflection = rulesPerReflection;
            this.capacity = capacity;
        }

        @Override
        public String name() {
            return "scripted:/reflector";
        }

        @Override
        public synchronized ModelResponse chat(List<ChatMessage> messages) {
            calls.incrementAndGet();
            String prompt = messages.get(messages.size() - 1).content();
            prompts.add(prompt);
            if (!scripted.isEmpty()) {
                return ModelResponse.of(scripted.remove(0));
            }
            int start = prompt.indexOf("```\n") + 4;
            int end = prompt.indexOf("\n```", start);
            String current = prompt.substring(start, end);
            List<String> keep = new ArrayList<>(rules(current));
            int added = 0;
            for (String rule : rules(prompt.substring(end))) {
                if (!keep.contains(rule) && added < rulesPerReflection) {
                    keep.add(rule);
                    added++;
                }
            }
            while (keep.size() > capacity) {
                keep.remove(0);
            }
            StringBuilder sb = new StringBuilder(current.replaceAll("\nRULE: \\w+", ""));
            for (String rule : keep) {
                sb.append("\nRULE: ").append(rule);
            }
            return ModelResponse.of("Here is the improved instruction:\n```text\n" + sb + "\n```\n");
        }
    }

    static Set<String> rules(String text) {
        Set<String> rules = new LinkedHashSet<>();
        Matcher m = RULE.matcher(text);
        while (m.find()) {
            rules.add(m.group(1));
        }
        return rules;
    }

    /** Exact match; a miss names the rule the prompt lacked. */
    static final Scorer SCORER = Scorer.of("exact", (example, output) -> {
        String want = String.valueOf(example.outputs());
        String got = String.valueOf(output);
        if (want.equals(got)) {
            return Feedback.pass("correct");
        }
        String category = CATEGORY.get(String.valueOf(example.inputs().get("word")));
        return Feedback.fail("expected '" + want + "' but got '" + got + "': a " + category
                + " word needs RULE: " + category);
    });

    /** The examples of the given words, ids prefixed. */
    static Dataset data(String prefix, List<String> words) {
        List<Example> examples = new ArrayList<>();
        for (String w : words) {
            examples.add(Example.of(prefix + "-" + w, Map.of("word", w), TRANSFORM.get(CATEGORY.get(w)).apply(w)));
        }
        return Dataset.of(prefix, examples);
    }

    static final List<String> TRAIN_WORDS = List.of("apple", "tiger", "red", "paris", "banana", "horse", "blue",
            "tokyo", "cherry", "zebra", "green", "rome");
    static final List<String> VAL_WORDS = List.of("grape", "camel", "amber", "cairo", "lemon", "otter", "ivory", "lima");

    static Dataset train() {
        return data("t", TRAIN_WORDS);
    }

    static Dataset validation() {
        return data("v", VAL_WORDS);
    }

    /** One prompt, "task". */
    static PromptSet onePrompt() {
        return PromptSet.of("task", PromptTemplate.text("Answer with the word, transformed as the rules say.\nWord: {{word}}"));
    }

    /** Two prompts: the word prompt and a separate rules prompt without variables; rules in either count. */
    static PromptSet twoPrompts() {
        return PromptSet.of(Map.of(
                "a_task", PromptTemplate.text("Answer with the word, transformed as the rules say.\nWord: {{word}}"),
                "b_rules", PromptTemplate.text("Rules:")));
    }

    static PredictFn predict(LanguageModel target) {
        return (inputs, prompts) -> {
            StringBuilder sb = new StringBuilder();
            for (String name : prompts.names()) {
                PromptTemplate t = prompts.get(name);
                sb.append(t.isChat() ? t.formatMessages(inputs).get(0).content() : t.format(inputs)).append('\n');
            }
            return target.chat(sb.toString()).text();
        };
    }

    /** A run of the rule task through the real engine. */
    static EngineRun context(PromptSet seed, Target target, long maxMetricCalls, long seedValue) {
        return new EngineRun(seed, predict(target), maxMetricCalls, seedValue);
    }
}
