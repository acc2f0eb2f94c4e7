package dev.promptopt.gepa.reliability;

import dev.promptopt.Dataset;
import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.Scorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark task of {@code benchmarks/python/task.py} in Java, for tests that talk HTTP to a local server:
 * every word belongs to a category with its own transformation; the target model applies it only when its
 * instruction holds {@code RULE: <category>}; the reflection model adds one rule named in the feedback.
 * Nothing is random: the same request always gets the same answer.
 */
final class WordTask {
    static final String SEED_INSTRUCTION = "Answer with the word from the input, transformed as the rules say.";
    /** The seed template: the instruction, then the input. */
    static final String SEED_TEMPLATE = SEED_INSTRUCTION + "\nWord: {{word}}";
    static final String TARGET = "bench-target";
    static final String REFLECTOR = "bench-reflector";

    private static final Map<String, List<String>> CATEGORIES = new LinkedHashMap<>();
    private static final Map<String, UnaryOperator<String>> TRANSFORM = new LinkedHashMap<>();
    private static final Map<String, String> CATEGORY = new LinkedHashMap<>();
    private static final Pattern RULE = Pattern.compile("RULE: (\\w+)");
    private static final Pattern WORD = Pattern.compile("Word: (\\w+)");

    static {
        CATEGORIES.put("fruit", List.of("apple", "banana", "cherry", "grape", "lemon"));
        CATEGORIES.put("animal", List.of("tiger", "horse", "zebra", "camel", "otter"));
        CATEGORIES.put("color", List.of("red", "blue", "green", "amber", "ivory"));
        CATEGORIES.put("city", List.of("paris", "tokyo", "rome", "cairo", "lima"));
        CATEGORIES.put("tool", List.of("hammer", "saw", "drill", "wrench", "chisel"));
        CATEGORIES.put("planet", List.of("mercury", "venus", "earth", "mars", "saturn"));
        TRANSFORM.put("fruit", w -> w.toUpperCase(Locale.ROOT));
        TRANSFORM.put("animal", w -> new StringBuilder(w).reverse().toString());
        TRANSFORM.put("color", w -> w + "!");
        TRANSFORM.put("city", w -> "city:" + w);
        TRANSFORM.put("tool", w -> "[" + w + "]");
        TRANSFORM.put("planet", w -> Character.toUpperCase(w.charAt(0)) + w.substring(1));
        CATEGORIES.forEach((c, words) -> words.forEach(w -> CATEGORY.put(w, c)));
    }

    private WordTask() {
    }

    /** The first {@code perCategory} words of each category as train, the next {@code valPerCategory} as validation. */
    static Dataset train(int perCategory) {
        return data("train", 0, perCategory);
    }

    static Dataset validation(int from, int perCategory) {
        return data("validation", from, perCategory);
    }

    private static Dataset data(String name, int from, int n) {
        List<Example> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            for (Map.Entry<String, List<String>> c : CATEGORIES.entrySet()) {
                String w = c.getValue().get(i);
                out.add(Example.of(name.charAt(0) + "-" + w, Map.of("word", w), TRANSFORM.get(c.getKey()).apply(w)));
            }
        }
        return Dataset.of(name, out);
    }

    /** Exact match with the feedback text of task.py. */
    static Scorer scorer() {
        return Scorer.of("exact_match", (example, output) -> {
            String word = (String) example.inputs().get("word");
            String expected = (String) example.outputs();
            String got = output instanceof Answer a ? a.text() : String.valueOf(output);
            if (expected.equals(got)) {
                return new Feedback(1.0, "correct", Map.of());
            }
            String category = CATEGORY.get(word);
            return new Feedback(0.0, "expected '" + expected + "' but got '" + got + "': a " + category
                    + " word needs RULE: " + category, Map.of());
        });
    }

    /** A structured output, as many predict functions return: its journaled form is a JSON object. */
    record Answer(String text, int length, double confidence) {
    }

    /** The target model: transforms the last {@code Word: x} of the conversation when the conversation holds its rule. */
    static String targetAnswer(String conversation) {
        Matcher m = WORD.matcher(conversation);
        String word = null;
        while (m.find()) {
            word = m.group(1);
        }
        if (word == null) {
            return "?";
        }
        String category = CATEGORY.get(word);
        if (category != null && rules(conversation).contains(category)) {
            return TRANSFORM.get(category).apply(word);
        }
        return word;
    }

    static String reflectorAnswer(String prompt) {
        int start = prompt.indexOf("```\n");
        int end = start >= 0 ? prompt.indexOf("\n```", start + 4) : -1;
        if (start < 0 || end < 0) {
            return "I cannot find the instruction.";
        }
        String current = prompt.substring(start + 4, end);
        List<String> keep = rules(current);
        for (String r : rules(prompt.substring(end))) {
            if (!keep.contains(r) && TRANSFORM.containsKey(r)) {
                keep.add(r);
                break;
            }
        }
        String text = RULE.matcher(current).replaceAll("");
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.isBlank()) {
                sb.append(sb.length() == 0 ? "" : "\n").append(line);
            }
        }
        String base = sb.length() == 0 ? SEED_INSTRUCTION : sb.toString();
        StringBuilder out = new StringBuilder("```\n").append(base);
        keep.forEach(r -> out.append("\nRULE: ").append(r));
        return out.append("\n```").toString();
    }

    private static List<String> rules(String text) {
        List<String> seen = new ArrayList<>();
        Matcher m = RULE.matcher(text);
        while (m.find()) {
            if (!seen.contains(m.group(1))) {
                seen.add(m.group(1));
            }
        }
        return seen;
    }
}
