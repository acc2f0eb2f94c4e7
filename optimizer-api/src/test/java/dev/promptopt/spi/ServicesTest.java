package dev.promptopt.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptRegistry;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one ServiceLoader policy: the context class loader first, each class once, loud ambiguity unless a property
 * picks one, and a message naming the artifact when an implementation is missing.
 */
public class ServicesTest {
    private static final String PROPERTY = "promptopt.test.greeter.hello";

    @TempDir
    Path dir;

    /** A service of this test; the test resources register {@link OwnGreeter} with the class's own loader. */
    public interface Greeter {
        String name();
    }

    public static final class OwnGreeter implements Greeter {
        public String name() {
            return "own";
        }
    }

    public static final class ContextGreeter implements Greeter {
        public String name() {
            return "context";
        }
    }

    public static final class HelloA implements Greeter {
        public String name() {
            return "hello";
        }
    }

    public static final class HelloB implements Greeter {
        public String name() {
            return "hello";
        }
    }

    /** A service nothing implements. */
    public interface Unimplemented {
    }

    /** Loads classes through the test's loader but lists only the service files written into {@code dir}. */
    private final class ContextLoader extends ClassLoader {
        ContextLoader() {
            super(ServicesTest.class.getClassLoader());
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            Path file = dir.resolve(name);
            return Files.isRegularFile(file) ? Collections.enumeration(List.of(file.toUri().toURL()))
                    : Collections.emptyEnumeration();
        }
    }

    private <T> T withContext(Supplier<T> body, String... providers) throws IOException {
        Path file = dir.resolve("META-INF/services/" + Greeter.class.getName());
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", providers) + "\n");
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(new ContextLoader());
        try {
            return body.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private static List<String> classes(List<Greeter> greeters) {
        return greeters.stream().map(g -> g.getClass().getSimpleName()).toList();
    }

    @Test
    void theContextClassLoaderIsSearchedFirstAndAClassSeenTwiceCountsOnce() throws IOException {
        List<Greeter> found = withContext(() -> Services.all(Greeter.class),
                ContextGreeter.class.getName(), OwnGreeter.class.getName());
        assertThat(classes(found)).containsExactly("ContextGreeter", "OwnGreeter");
    }

    @Test
    void withoutAContextClassLoaderTheServiceTypesOwnLoaderIsUsed() {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(null);
        try {
            assertThat(classes(Services.all(Greeter.class))).containsExactly("OwnGreeter");
        } finally {
            t.setContextClassLoader(before);
        }
    }

    @Test
    void aProviderOnlyTheContextLoaderListsIsFoundByName() throws IOException {
        assertThat(withContext(() -> Services.named(Greeter.class, Greeter::name, "context", "greeter", PROPERTY),
                ContextGreeter.class.getName())).get().isInstanceOf(ContextGreeter.class);
        assertThat(Services.named(Greeter.class, Greeter::name, "context", "greeter", PROPERTY)).isEmpty();
    }

    @Test
    void twoProvidersClaimingOneNameFailNamingBothAndTheProperty() {
        assertThatThrownBy(() -> withContext(() -> Services.named(Greeter.class, Greeter::name, "hello", "greeter",
                PROPERTY), HelloA.class.getName(), HelloB.class.getName()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("several greeters claim 'hello': [" + HelloA.class.getName() + ", " + HelloB.class.getName()
                        + "]; pick one with -D" + PROPERTY + "=<class name>");
    }

    @Test
    void thePropertyPicksOneOfTheClaimants() throws IOException {
        System.setProperty(PROPERTY, HelloB.class.getName());
        try {
            assertThat(withContext(() -> Services.named(Greeter.class, Greeter::name, "hello", "greeter", PROPERTY),
                    HelloA.class.getName(), HelloB.class.getName())).get().isInstanceOf(HelloB.class);
        } finally {
            System.clearProperty(PROPERTY);
        }
    }

    @Test
    void aPropertyNamingNoClaimantIsReported() {
        System.setProperty(PROPERTY, "com.example.Nope");
        try {
            assertThatThrownBy(() -> withContext(() -> Services.named(Greeter.class, Greeter::name, "hello", "greeter",
                    PROPERTY), HelloA.class.getName(), HelloB.class.getName()))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageEndingWith("(it is 'com.example.Nope', which is none of them)");
        } finally {
            System.clearProperty(PROPERTY);
        }
    }

    @Test
    void aMissingImplementationNamesTheArtifactToAdd() {
        assertThatThrownBy(() -> Services.single(Unimplemented.class, "dev.promptopt:optimizer-core"))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessage("no implementation of " + Unimplemented.class.getName() + " on the classpath: add the "
                        + "dev.promptopt:optimizer-core dependency");
    }

    @Test
    void withoutCoreTheStaticFactoriesFailWithTheSameMessageEveryTime() {
        // The API's tests run without optimizer-core: the lookup fails at the call, not in a static initializer, so
        // the second call reports the same problem instead of a NoClassDefFoundError.
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(PromptRegistry::inMemory).isInstanceOf(PromptOptimizerException.class)
                    .hasMessageContaining("add the dev.promptopt:optimizer-core dependency");
        }
    }

    @Test
    void aListedClassThatDoesNotExistNamesTheService() {
        assertThatThrownBy(() -> withContext(() -> Services.all(Greeter.class), "com.example.Missing"))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessageStartingWith("a provider of " + Greeter.class.getName() + " listed in META-INF/services/"
                        + Greeter.class.getName() + " could not be loaded: ")
                .hasMessageContaining("com.example.Missing");
    }

    @Test
    void namesAreSortedAndEachOnce() throws IOException {
        assertThat(withContext(() -> Services.names(Greeter.class, Greeter::name), HelloA.class.getName(),
                HelloB.class.getName(), ContextGreeter.class.getName())).containsExactly("context", "hello", "own");
    }
}
