package dev.promptopt.core.internal;

import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.ObjectStore;
import dev.promptopt.PromptRegistry;
import dev.promptopt.RunTracker;
import dev.promptopt.core.internal.data.DatasetReader;
import dev.promptopt.core.local.DirectoryObjectStore;
import dev.promptopt.core.local.DirectoryPromptRegistry;
import dev.promptopt.core.local.DirectoryRunTracker;
import dev.promptopt.core.local.InMemoryPromptRegistry;
import dev.promptopt.spi.EmbeddedDefaults;
import java.nio.file.Path;

/**
 * Core's implementation of the API's static factories ({@code PromptRegistry.inDirectory},
 * {@code Dataset.fromJsonl}, ...), found through {@link java.util.ServiceLoader}. Not public API.
 *
 * <pre>{@code
 * PromptRegistry registry = PromptRegistry.inDirectory(Path.of("prompts"));   // lands here
 * }</pre>
 */
public final class CoreEmbeddedDefaults implements EmbeddedDefaults {

    @Override
    public PromptRegistry directoryRegistry(Path directory) {
        return new DirectoryPromptRegistry(directory);
    }

    @Override
    public PromptRegistry inMemoryRegistry() {
        return new InMemoryPromptRegistry();
    }

    @Override
    public Dataset readDataset(Path file, DatasetFormat format) {
        return DatasetReader.read(file, format);
    }

    @Override
    public ObjectStore directoryStore(Path root) {
        return new DirectoryObjectStore(root);
    }

    @Override
    public RunTracker directoryTracker(Path root) {
        return new DirectoryRunTracker(root);
    }
}
