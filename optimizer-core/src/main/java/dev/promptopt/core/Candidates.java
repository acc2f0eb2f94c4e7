package dev.promptopt.core;

import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What makes a proposed candidate unusable against the seed it came from: other prompt names, another template
 * kind or message count, an empty text, a dropped or invented variable. The run's
 * {@code OptimizationContext.candidateProblems} uses it; an optimizer's own test harness can too.
 *
 * <pre>{@code
 * List<String> problems = Candidates.problems(seed, candidate);   // empty when fine
 * }</pre>
 */
public final class Candidates {
    private Candidates() {
    }

    /** One sentence per problem; empty when the candidate is fine. */
    public static List<String> problems(PromptSet seed, PromptSet candidate) {
        List<String> problems = new ArrayList<>();
        if (!candidate.names().equals(seed.names())) {
            problems.add("the candidate has prompts " + candidate.names() + " but the run optimizes " + seed.names());
            return problems;
        }
        for (Map.Entry<String, PromptTemplate> e : candidate.asMap().entrySet()) {
            PromptTemplate original = seed.get(e.getKey());
            PromptTemplate proposed = e.getValue();
            if (proposed.kind() != original.kind()) {
                problems.add("prompt '" + e.getKey() + "': a " + original.kind() + " template became " + proposed.kind());
                continue;
            }
            if (proposed.isChat() && proposed.messages().size() != original.messages().size()) {
                problems.add("prompt '" + e.getKey() + "': the chat template had " + original.messages().size()
                        + " messages, the candidate has " + proposed.messages().size());
            }
            if (proposed.optimizableText().isBlank()) {
                problems.add("prompt '" + e.getKey() + "': the proposed text is empty");
            }
            Set<String> dropped = new LinkedHashSet<>(original.variables());
            dropped.removeAll(proposed.variables());
            Set<String> invented = new LinkedHashSet<>(proposed.variables());
            invented.removeAll(original.variables());
            dropped.forEach(v -> problems.add("prompt '" + e.getKey() + "': the candidate drops variable '" + v + "'"));
            invented.forEach(v -> problems.add("prompt '" + e.getKey() + "': the candidate invents variable '" + v
                    + "' that the inputs do not provide"));
        }
        return problems;
    }
}
