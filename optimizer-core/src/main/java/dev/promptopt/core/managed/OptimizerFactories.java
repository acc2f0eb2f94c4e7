package dev.promptopt.core.managed;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Looks up {@link OptimizerFactory}s on the classpath by name. */
final class OptimizerFactories {
    private OptimizerFactories() {
    }

    static OptimizerFactory find(String name) {
        for (OptimizerFactory f : ServiceLoader.load(OptimizerFactory.class, OptimizerFactories.class.getClassLoader())) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    static List<String> names() {
        List<String> names = new ArrayList<>();
        for (OptimizerFactory f : ServiceLoader.load(OptimizerFactory.class, OptimizerFactories.class.getClassLoader())) {
            names.add(f.name());
        }
        return names;
    }
}
