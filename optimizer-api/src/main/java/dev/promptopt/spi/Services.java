package dev.promptopt.spi;

import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptOptimizerException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one place that finds implementations through {@link ServiceLoader}: model providers, optimizer factories,
 * object store types, metrics and the embedded defaults all come through here, with one policy.
 *
 * <ul>
 *   <li>The thread context class loader is searched first, then the class loader of the service type, so a
 *       provider deployed with an application (a web app, a notebook kernel) is found as well as one on the
 *       library's own path; a class seen through both counts once.</li>
 *   <li>When two providers claim one name, the lookup fails naming both, unless the system property the caller
 *       names (e.g. {@code promptopt.provider.openai}) holds the class name of the one to use.</li>
 *   <li>Nothing here runs in a static initializer: a failure is an exception at the call, never an
 *       {@link ExceptionInInitializerError} that poisons the class.</li>
 * </ul>
 *
 * <pre>{@code
 * Optional<OptimizerFactory> gepa = Services.named(OptimizerFactory.class, OptimizerFactory::name, "gepa",
 *         "optimizer factory", "promptopt.optimizer.gepa");
 * EmbeddedDefaults defaults = Services.single(EmbeddedDefaults.class, "dev.promptopt:optimizer-core");
 * }</pre>
 */
public final class Services {
    private Services() {
    }

    /**
     * Every provider of a service, those of the thread context class loader first, each class once.
     *
     * @throws PromptOptimizerException naming the service when a registered provider cannot be loaded
     */
    public static <S> List<S> all(Class<S> service) {
        Map<String, S> byClass = new LinkedHashMap<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = service.getClassLoader();
        if (context != null) {
            collect(service, context, byClass);
        }
        if (own != context) {
            collect(service, own, byClass);
        }
        return List.copyOf(byClass.values());
    }

    private static <S> void collect(Class<S> service, ClassLoader loader, Map<String, S> byClass) {
        Iterator<S> it = ServiceLoader.load(service, loader).iterator();
        try {
            while (it.hasNext()) {
                S s = it.next();
                byClass.putIfAbsent(s.getClass().getName(), s);
            }
        } catch (ServiceConfigurationError e) {
            throw new PromptOptimizerException("a provider of " + service.getName() + " listed in META-INF/services/"
                    + service.getName() + " could not be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * The provider whose name ({@code nameOf}) is {@code name}, or empty when none claims it.
     *
     * @param kind     what a provider is called in messages, e.g. {@code "model provider"}
     * @param property the system property that picks one class when several claim the name
     * @throws InvalidInputException naming every claimant and the property when several claim the name and the
     *                               property does not pick one of them
     */
    public static <S> Optional<S> named(Class<S> service, Function<S, String> nameOf, String name, String kind,
                                        String property) {
        List<S> matches = new ArrayList<>();
        for (S s : all(service)) {
            if (name.equals(nameOf.apply(s))) {
                matches.add(s);
            }
        }
        return pick(matches, "several " + kind + "s claim '" + name + "'", property);
    }

    /** The names of every provider of a service, sorted. */
    public static <S> List<String> names(Class<S> service, Function<S, String> nameOf) {
        TreeSet<String> names = new TreeSet<>();
        all(service).forEach(s -> names.add(nameOf.apply(s)));
        return List.copyOf(names);
    }

    /**
     * The one provider of a service that has a single implementation (such as {@link EmbeddedDefaults}).
     *
     * @param artifact the artifact that brings the implementation, named in the message when it is missing
     * @throws PromptOptimizerException when there is none (naming the artifact to add), or several and the system
     *                                  property {@code promptopt.spi.<service class name>} does not pick one
     */
    public static <S> S single(Class<S> service, String artifact) {
        List<S> found = all(service);
        if (found.isEmpty()) {
            throw new PromptOptimizerException("no implementation of " + service.getName() + " on the classpath: add "
                    + "the " + artifact + " dependency");
        }
        String property = "promptopt.spi." + service.getName();
        try {
            return pick(found, "several implementations of " + service.getName(), property).orElseThrow();
        } catch (InvalidInputException e) {
            throw new PromptOptimizerException(e.getMessage(), e);
        }
    }

    private static <S> Optional<S> pick(List<S> matches, String conflict, String property) {
        if (matches.size() <= 1) {
            return matches.stream().findFirst();
        }
        String chosen = System.getProperty(property);
        if (chosen != null) {
            for (S s : matches) {
                if (s.getClass().getName().equals(chosen.strip())) {
                    return Optional.of(s);
                }
            }
        }
        List<String> classes = matches.stream().map(s -> s.getClass().getName()).toList();
        throw new InvalidInputException(conflict + ": " + classes + "; pick one with -D" + property + "=<class name>"
                + (chosen == null ? "" : " (it is '" + chosen + "', which is none of them)"));
    }
}
