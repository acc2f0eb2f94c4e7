package dev.promptopt.managed;

import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptUri;
import dev.promptopt.PromptVersion;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The registry one target's run sees: reads go to the real registry; a new version of the base prompt is
 * registered under the target's mapped name instead (SAP's targetPromptMapping), after {@code finish}
 * (e.g. appending few-shot examples) is applied to the template.
 */
final class MappingRegistry implements PromptRegistry {
    private final PromptRegistry delegate;
    private final String baseName;
    private final String targetName;
    private final UnaryOperator<PromptTemplate> finish;

    MappingRegistry(PromptRegistry delegate, String baseName, String targetName, UnaryOperator<PromptTemplate> finish) {
        this.delegate = delegate;
        this.baseName = baseName;
        this.targetName = targetName;
        this.finish = finish;
    }

    @Override
    public PromptVersion register(String name, PromptTemplate template, String commitMessage, Map<String, String> tags) {
        if (name.equals(baseName)) {
            return delegate.register(targetName, finish.apply(template), commitMessage, tags);
        }
        return delegate.register(name, template, commitMessage, tags);
    }

    @Override
    public PromptVersion load(PromptUri uri) {
        return delegate.load(uri);
    }

    @Override
    public List<PromptVersion> versions(String name) {
        return delegate.versions(name);
    }

    @Override
    public void setAlias(String name, String alias, int version) {
        delegate.setAlias(name, alias, version);
    }

    @Override
    public void deleteAlias(String name, String alias) {
        delegate.deleteAlias(name, alias);
    }

    @Override
    public List<String> search(String nameContains) {
        return delegate.search(nameContains);
    }
}
