package dev.promptopt.managed;

import dev.promptopt.OptimizerFactory;
import dev.promptopt.spi.Services;
import java.util.List;

/** Looks up {@link OptimizerFactory}s on the classpath by name, through {@link Services}. */
final class OptimizerFactories {
    private OptimizerFactories() {
    }

    /** The factory of that name, or null; several claiming it fail unless {@code promptopt.optimizer.<name>} picks one. */
    static OptimizerFactory find(String name) {
        return Services.named(OptimizerFactory.class, OptimizerFactory::name, name, "optimizer factory",
                "promptopt.optimizer." + name).orElse(null);
    }

    static List<String> names() {
        return Services.names(OptimizerFactory.class, OptimizerFactory::name);
    }
}
