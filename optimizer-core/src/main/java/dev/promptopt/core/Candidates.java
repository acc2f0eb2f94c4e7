package dev.promptopt.core;

import dev.promptopt.ChatMessage;
import dev.promptopt.PromptConstraints;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptTemplate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What makes a proposed candidate unusable against the seed it came from: other prompt names, another template
 * kind, a chat that loses or reorders the seed's messages (added user/assistant turns without variables, e.g.
 * demonstrations, are fine), an empty text, a dropped or invented variable, a changed locked section, a text
 * longer than the maximum ({@link PromptConstraints}). The run's
 * {@code OptimizationContext.candidateProblems} uses it; an optimizer's own test harness can too.
 *
 * <pre>{@code
 * List<String> problems = Candidates.problems(seed, candidate);   // empty when fine
 * List<String> withRules = Candidates.problems(seed, candidate, PromptConstraints.none().withMaxPromptChars(800));
 * }</pre>
 */
public final class Candidates {
    private Candidates() {
    }

    /** One sentence per problem; empty when the candidate is fine. */
    public static List<String> problems(PromptSet seed, PromptSet candidate) {
        return problems(seed, candidate, PromptConstraints.none());
    }

    /** As {@link #problems(PromptSet, PromptSet)}, also checking locked sections and the maximum length. */
    public static List<String> problems(PromptSet seed, PromptSet candidate, PromptConstraints constraints) {
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
            if (proposed.isChat() && !keepsMessages(original.messages(), proposed.messages())) {
                problems.add("prompt '" + e.getKey() + "': the chat template had " + original.messages().size()
                        + " messages " + roles(original.messages()) + "; the candidate has " + proposed.messages().size()
                        + " " + roles(proposed.messages()) + " (only user/assistant turns without variables may be added)");
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
            problems.addAll(constraints.problems(e.getKey(), proposed));
        }
        return problems;
    }

    /**
     * The seed's messages appear in the candidate in order (matched by role), and every other message of the
     * candidate is an added user or assistant turn without variables.
     */
    private static boolean keepsMessages(List<ChatMessage> seed, List<ChatMessage> candidate) {
        int n = seed.size();
        int m = candidate.size();
        boolean[][] ok = new boolean[n + 1][m + 1];
        ok[n][m] = true;
        for (int j = m - 1; j >= 0; j--) {
            ok[n][j] = ok[n][j + 1] && isAddedTurn(candidate.get(j));
        }
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                ok[i][j] = (seed.get(i).role().equals(candidate.get(j).role()) && ok[i + 1][j + 1])
                        || (isAddedTurn(candidate.get(j)) && ok[i][j + 1]);
            }
        }
        return ok[0][0];
    }

    private static boolean isAddedTurn(ChatMessage m) {
        return (m.role().equals("user") || m.role().equals("assistant")) && PromptTemplate.variablesOf(m.content()).isEmpty();
    }

    private static List<String> roles(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::role).toList();
    }
}
