package dev.promptopt.spi;

import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.ObjectStore;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.RunTracker;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * The bridge behind the static factories of the API ({@code PromptRegistry.inDirectory},
 * {@code Dataset.fromJsonl}, ...): optimizer-core provides it through {@link ServiceLoader}, so the
 * API module stays free of dependencies. Users never call it.
 */
public interface EmbeddedDefaults {

    static EmbeddedDefaults get() {
        return Holder.INSTANCE;
    }

    PromptRegistry directoryRegistry(Path directory);

    PromptRegistry inMemoryRegistry();

    Dataset readDataset(Path file, DatasetFormat format);

    ObjectStore directoryStore(Path root);

    RunTracker directoryTracker(Path root);

    /** Lazy holder: the lookup happens on first use. */
    final class Holder {
        private static final EmbeddedDefaults INSTANCE = load();

        private Holder() {
        }

        private static EmbeddedDefaults load() {
            for (EmbeddedDefaults d : ServiceLoader.load(EmbeddedDefaults.class, EmbeddedDefaults.class.getClassLoader())) {
                return d;
            }
            throw new PromptOptimizerException("no implementation of the embedded defaults found: add the "
                    + "dev.promptopt:optimizer-core dependency to the classpath");
        }
    }
}
