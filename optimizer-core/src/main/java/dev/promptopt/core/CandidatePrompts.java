package dev.promptopt.core;

import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import dev.promptopt.PromptUri;
import dev.promptopt.PromptVersion;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Lets application code that loads its prompt from the registry be optimized unchanged, as MLflow's
 * {@code optimize_prompts} does: while the engine runs a predict call, a registry load of a prompt being optimized
 * ({@code registry.load("prompts:/sentiment@production")}, any version or alias of that name) returns the
 * candidate under evaluation instead of the stored template. Outside an evaluation, loads are untouched.
 *
 * <pre>{@code
 * PredictFn predict = (inputs, prompts) -> {
 *     PromptVersion p = registry.load("prompts:/sentiment@production");    // the candidate during optimization
 *     return model.chat(p.template().format(inputs)).text();
 * };
 * }</pre>
 *
 * <p>The scope is the thread that runs the predict call (the engine runs each call on one thread): concurrent
 * evaluations of different candidates each see their own. A predict function that hands the load to another
 * thread must load first and pass the version along. Every registry of this library (local, in-memory, MLflow) asks
 * {@link #lookup} first; a third-party registry does the same in its {@code load}.
 */
public final class CandidatePrompts {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private CandidatePrompts() {
    }

    private record Scope(Map<String, PromptVersion> targets, PromptSet candidate, Set<String> loaded) {
    }

    /**
     * The candidate's version of the prompt {@code uri} names, when a predict call is being evaluated and that
     * prompt is one being optimized; empty otherwise (load from the registry as usual). The version keeps the
     * base version's name, number, tags and aliases, with the candidate's template.
     */
    public static Optional<PromptVersion> lookup(PromptUri uri) {
        Scope scope = CURRENT.get();
        if (scope == null) {
            return Optional.empty();
        }
        PromptVersion base = scope.targets().get(uri.name());
        if (base == null || !scope.candidate().names().contains(uri.name())) {
            return Optional.empty();
        }
        scope.loaded().add(uri.name());
        return Optional.of(new PromptVersion(base.name(), base.version(), scope.candidate().get(uri.name()),
                base.commitMessage(), base.tags(), base.aliases(), base.createdAt()));
    }

    /**
     * {@code predict} with each call run in the scope of its candidate: registry loads of the {@code targets}
     * return the candidate's templates, and the names loaded go into {@code loaded} (a concurrent set).
     */
    public static PredictFn scoped(PredictFn predict, Collection<PromptVersion> targets, Set<String> loaded) {
        Objects.requireNonNull(predict, "predict");
        Map<String, PromptVersion> byName = new LinkedHashMap<>();
        targets.forEach(v -> byName.put(v.name(), v));
        Map<String, PromptVersion> frozen = Map.copyOf(byName);
        return (inputs, prompts) -> {
            Scope previous = CURRENT.get();
            CURRENT.set(new Scope(frozen, prompts, loaded));
            try {
                return predict.predict(inputs, prompts);
            } finally {
                if (previous == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(previous);
                }
            }
        };
    }
}
