package dev.promptopt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What no optimizer may change in a run: locked sections (pieces of a template's text that every candidate must
 * keep verbatim) and a maximum prompt length (characters of a template's text, see {@link PromptTemplate#text()}).
 * A candidate that breaks either is rejected with a reason before any call is spent on it
 * ({@link OptimizationContext#candidateProblems}).
 *
 * <pre>{@code
 * PromptOptimizer.builder()...
 *     .lockedSection("sentiment", "Answer with one word: positive, negative or neutral.")
 *     .maxPromptChars(1200)
 * }</pre>
 *
 * @param lockedSections prompt name -> texts that must appear unchanged in that prompt's every candidate
 * @param maxPromptChars the longest a candidate template may be, in characters; 0 for no limit
 */
public record PromptConstraints(Map<String, List<String>> lockedSections, int maxPromptChars) {
    public PromptConstraints {
        Objects.requireNonNull(lockedSections, "lockedSections");
        if (maxPromptChars < 0) {
            throw new IllegalArgumentException("maxPromptChars must be >= 0 (0: no limit), found " + maxPromptChars);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        lockedSections.forEach((k, v) -> {
            for (String s : v) {
                if (s == null || s.isEmpty()) {
                    throw new IllegalArgumentException("a locked section of prompt '" + k + "' is empty");
                }
            }
            copy.put(k, List.copyOf(v));
        });
        lockedSections = Collections.unmodifiableMap(copy);
    }

    /** No locked section, no length limit. */
    public static PromptConstraints none() {
        return new PromptConstraints(Map.of(), 0);
    }

    /** A copy with one more locked section of one prompt. */
    public PromptConstraints withLockedSection(String prompt, String text) {
        Map<String, List<String>> copy = new LinkedHashMap<>(lockedSections);
        List<String> list = new ArrayList<>(copy.getOrDefault(prompt, List.of()));
        list.add(text);
        copy.put(prompt, list);
        return new PromptConstraints(copy, maxPromptChars);
    }

    /** A copy with a length limit (0: none). */
    public PromptConstraints withMaxPromptChars(int max) {
        return new PromptConstraints(lockedSections, max);
    }

    /** The locked sections of one prompt; empty when it has none. */
    public List<String> lockedSections(String prompt) {
        return lockedSections.getOrDefault(prompt, List.of());
    }

    /** One sentence per broken constraint of one prompt's template; empty when it keeps them all. */
    public List<String> problems(String prompt, PromptTemplate template) {
        List<String> problems = new ArrayList<>();
        String text = template.text();
        for (String locked : lockedSections(prompt)) {
            if (!text.contains(locked)) {
                problems.add("prompt '" + prompt + "': the candidate changes the locked section \"" + abbreviate(locked) + "\"");
            }
        }
        if (maxPromptChars > 0 && text.length() > maxPromptChars) {
            problems.add("prompt '" + prompt + "': the candidate has " + text.length() + " characters, more than the maximum of "
                    + maxPromptChars);
        }
        return problems;
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}
