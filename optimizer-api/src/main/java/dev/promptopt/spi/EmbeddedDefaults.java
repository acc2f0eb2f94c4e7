package dev.promptopt.spi;

import dev.promptopt.Dataset;
import dev.promptopt.DatasetFormat;
import dev.promptopt.ObjectStore;
import dev.promptopt.PromptRegistry;
import dev.promptopt.RunTracker;
import java.nio.file.Path;

/**
 * The bridge behind the static factories of the API ({@code PromptRegistry.inDirectory},
 * {@code Dataset.fromJsonl}, ...): optimizer-core provides it through {@link java.util.ServiceLoader} (see {@link Services}), so the
 * API module stays free of dependencies. Users never call it.
 */
public interface EmbeddedDefaults {

    static EmbeddedDefaults get() {
        return Holder.get();
    }

    PromptRegistry directoryRegistry(Path directory);

    PromptRegistry inMemoryRegistry();

    Dataset readDataset(Path file, DatasetFormat format);

    ObjectStore directoryStore(Path root);

    RunTracker directoryTracker(Path root);

    /**
     * Loads on first use and keeps the result; a failed lookup is not kept, so the class stays usable and the
     * next call reports the problem again (no static initializer that could throw).
     */
    final class Holder {
        private static volatile EmbeddedDefaults instance;

        private Holder() {
        }

        static EmbeddedDefaults get() {
            EmbeddedDefaults d = instance;
            if (d == null) {
                synchronized (Holder.class) {
                    d = instance;
                    if (d == null) {
                        d = Services.single(EmbeddedDefaults.class, "dev.promptopt:optimizer-core");
                        instance = d;
                    }
                }
            }
            return d;
        }
    }
}
