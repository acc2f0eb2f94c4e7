package dev.promptopt.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.ObjectStore;
import dev.promptopt.PromptRegistry;
import dev.promptopt.RunTracker;
import dev.promptopt.core.local.DirectoryObjectStore;
import dev.promptopt.core.local.DirectoryPromptRegistry;
import dev.promptopt.core.local.DirectoryRunTracker;
import dev.promptopt.core.local.InMemoryPromptRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreEmbeddedDefaultsTest {
    @TempDir
    Path dir;

    @Test
    void apiFactoriesFindTheLocalImplementationsThroughTheServiceLoader() {
        assertThat(PromptRegistry.inDirectory(dir.resolve("prompts"))).isInstanceOf(DirectoryPromptRegistry.class);
        assertThat(PromptRegistry.inMemory()).isInstanceOf(InMemoryPromptRegistry.class);
        assertThat(ObjectStore.inDirectory(dir.resolve("store"))).isInstanceOf(DirectoryObjectStore.class);
        assertThat(RunTracker.inDirectory(dir.resolve("runs"))).isInstanceOf(DirectoryRunTracker.class);
    }

    @Test
    void theNewcomerSnippetRegistersAndLoadsAPrompt() {
        PromptRegistry registry = PromptRegistry.inDirectory(dir.resolve("prompts"));

        var base = registry.register("sentiment",
                "Classify the sentiment. Answer 'positive' or 'negative' or 'neutral'.\nText: {{text}}");

        assertThat(base.uri()).isEqualTo("prompts:/sentiment/1");
        assertThat(registry.load(base.uri()).template().variables()).containsExactly("text");
    }
}
