package dev.promptopt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The templates a predict function renders, by prompt name. During optimization this is a
 * candidate: the engine passes the candidate's templates, so user code never sees optimizer state.
 *
 * <pre>{@code
 * PredictFn predict = (inputs, prompts) -> model.chat(prompts.get("sentiment").format(inputs)).text();
 * }</pre>
 */
public final class PromptSet {
    private final Map<String, PromptTemplate> templates;

    private PromptSet(Map<String, PromptTemplate> templates) {
        this.templates = Collections.unmodifiableMap(new TreeMap<>(templates));
    }

    public static PromptSet of(Map<String, PromptTemplate> templates) {
        if (templates.isEmpty()) {
            throw new InvalidInputException("a prompt set needs at least one prompt, found none");
        }
        return new PromptSet(templates);
    }

    /** No prompts: for evaluating a predict function that renders none of the registry's templates. */
    public static PromptSet empty() {
        return new PromptSet(Map.of());
    }

    public static PromptSet of(String name, PromptTemplate template) {
        return new PromptSet(Map.of(name, template));
    }

    /**
     * The template of one prompt.
     *
     * @throws PromptNotFoundException naming the prompts this set has
     */
    public PromptTemplate get(String name) {
        PromptTemplate t = templates.get(name);
        if (t == null) {
            throw new PromptNotFoundException("no prompt named '" + name + "' in this run; the prompts are " + names());
        }
        return t;
    }

    /** The prompt names, sorted. */
    public Set<String> names() {
        return templates.keySet();
    }

    /** name -> template, sorted by name. */
    public Map<String, PromptTemplate> asMap() {
        return templates;
    }

    /** A copy with one template replaced. */
    public PromptSet with(String name, PromptTemplate template) {
        if (!templates.containsKey(name)) {
            throw new PromptNotFoundException("no prompt named '" + name + "' in this set; the prompts are " + names());
        }
        Map<String, PromptTemplate> copy = new LinkedHashMap<>(templates);
        copy.put(name, template);
        return new PromptSet(copy);
    }

    public int size() {
        return templates.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptSet p && templates.equals(p.templates);
    }

    @Override
    public int hashCode() {
        return templates.hashCode();
    }

    @Override
    public String toString() {
        return templates.toString();
    }
}
