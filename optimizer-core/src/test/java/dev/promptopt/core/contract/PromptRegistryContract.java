package dev.promptopt.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ChatMessage;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptNotFoundException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptUri;
import dev.promptopt.PromptVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PromptRegistry} shares. An implementation's test extends this and
 * supplies a fresh registry:
 *
 * <pre>{@code
 * class MlflowPromptRegistryTest extends PromptRegistryContract {
 *     protected PromptRegistry newRegistry() { return new MlflowPromptRegistry(server.uri()); }
 *     protected String name(String base) { return base + "-" + runSuffix; }   // shared server
 * }
 * }</pre>
 */
public abstract class PromptRegistryContract {

    protected PromptRegistry registry;

    /** A registry to test; each test gets a new one. */
    protected abstract PromptRegistry newRegistry();

    /**
     * The prompt name a test uses for {@code base}. Registries backed by a shared server override this
     * to make names unique per test; the default keeps them as written.
     */
    protected String name(String base) {
        return base;
    }

    @BeforeEach
    void createRegistry() {
        registry = newRegistry();
    }

    @Test
    void firstRegisterIsVersionOneAndTheNextIsVersionTwo() {
        String name = name("sentiment");
        PromptVersion v1 = registry.register(name, "Classify: {{text}}");
        PromptVersion v2 = registry.register(name, "Classify the sentiment: {{text}}");

        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.uri()).isEqualTo("prompts:/" + name + "/1");
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.template().text()).isEqualTo("Classify the sentiment: {{text}}");
    }

    @Test
    void loadsByVersionAliasAndLatestUri() {
        String name = name("sentiment");
        registry.register(name, "one {{text}}");
        registry.register(name, "two {{text}}");
        registry.register(name, "three {{text}}");
        registry.setAlias(name, "production", 2);

        assertThat(registry.load("prompts:/" + name + "/1").template().text()).isEqualTo("one {{text}}");
        assertThat(registry.load("prompts:/" + name + "@production").template().text()).isEqualTo("two {{text}}");
        assertThat(registry.load("prompts:/" + name).template().text()).isEqualTo("three {{text}}");
        assertThat(registry.load(PromptUri.of(name, 3)).version()).isEqualTo(3);
        assertThat(registry.latest(name)).map(PromptVersion::version).contains(3);
    }

    @Test
    void chatTemplateRoundTrips() {
        String name = name("assistant");
        PromptTemplate chat = PromptTemplate.chat(List.of(
                ChatMessage.system("You classify sentiment.\nAnswer with one word."),
                ChatMessage.user("Text: {{text}}"),
                ChatMessage.assistant("positive")));
        registry.register(name, chat);

        PromptVersion loaded = registry.load("prompts:/" + name + "/1");

        assertThat(loaded.template().isChat()).isTrue();
        assertThat(loaded.template().messages()).isEqualTo(chat.messages());
        assertThat(loaded.template()).isEqualTo(chat);
        assertThat(loaded.template().variables()).containsExactly("text");
    }

    @Test
    void textTemplateWithSpecialCharactersRoundTrips() {
        String name = name("quoting");
        String text = "Say \"hi\" \\ {{?name}} — ünïcödé\n\ttab {{ text }}";
        registry.register(name, text);

        assertThat(registry.load("prompts:/" + name + "/1").template()).isEqualTo(PromptTemplate.text(text));
    }

    @Test
    void commitMessageAndTagsRoundTrip() {
        String name = name("sentiment");
        registry.register(name, PromptTemplate.text("Classify: {{text}}"), "first cut", Map.of("author", "ana", "task", "cls"));

        PromptVersion loaded = registry.load("prompts:/" + name + "/1");

        assertThat(loaded.commitMessage()).isEqualTo("first cut");
        assertThat(loaded.tags()).containsAllEntriesOf(Map.of("author", "ana", "task", "cls"));
        assertThat(loaded.name()).isEqualTo(name);
        assertThat(loaded.createdAt()).isNotNull();
    }

    @Test
    void aliasCanBeSetMovedAndDeletedAndShowsInAliases() {
        String name = name("sentiment");
        registry.register(name, "one {{text}}");
        registry.register(name, "two {{text}}");

        registry.setAlias(name, "production", 1);
        assertThat(registry.load("prompts:/" + name + "/1").aliases()).containsExactly("production");
        assertThat(registry.load("prompts:/" + name + "@production").aliases()).containsExactly("production");

        registry.setAlias(name, "production", 2);
        assertThat(registry.load("prompts:/" + name + "@production").version()).isEqualTo(2);
        assertThat(registry.load("prompts:/" + name + "/1").aliases()).isEmpty();
        assertThat(registry.versions(name).get(1).aliases()).containsExactly("production");

        registry.deleteAlias(name, "production");
        assertThat(registry.load("prompts:/" + name + "/2").aliases()).isEmpty();
        assertThatThrownBy(() -> registry.load("prompts:/" + name + "@production"))
                .isInstanceOf(PromptNotFoundException.class);
    }

    @Test
    void severalAliasesMayPointAtOneVersion() {
        String name = name("sentiment");
        registry.register(name, "one {{text}}");
        registry.setAlias(name, "production", 1);
        registry.setAlias(name, "staging", 1);

        assertThat(registry.load("prompts:/" + name + "/1").aliases()).containsExactlyInAnyOrder("production", "staging");
    }

    @Test
    void deletingAnAliasThatDoesNotExistDoesNothing() {
        String name = name("sentiment");
        registry.register(name, "one {{text}}");

        registry.deleteAlias(name, "never-set");

        assertThat(registry.load("prompts:/" + name + "/1").aliases()).isEmpty();
    }

    @Test
    void unknownPromptIsNotFoundNamingThePrompt() {
        String missing = name("no-such-prompt");
        assertThatThrownBy(() -> registry.load("prompts:/" + missing + "/1"))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessageContaining("no prompt '" + missing + "'");
        assertThatThrownBy(() -> registry.load("prompts:/" + missing))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessageContaining("no prompt '" + missing + "'");
    }

    @Test
    void unknownVersionIsNotFoundNamingTheAvailableVersions() {
        String name = name("sentiment");
        registry.register(name, "one {{text}}");
        registry.register(name, "two {{text}}");
        registry.register(name, "three {{text}}");

        assertThatThrownBy(() -> registry.load("prompts:/" + name + "/9"))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessageContaining("prompt '" + name + "' has no version 9 (versions 1..3)");
    }

    @Test
    void unknownAliasIsNotFoundNamingTheAliasesThatExist() {
        String name = name("sentiment");
        registry.register(name, "one {{text}}");
        registry.setAlias(name, "staging", 1);

        assertThatThrownBy(() -> registry.load("prompts:/" + name + "@production"))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessageContaining("prompt '" + name + "' has no alias 'production'")
                .hasMessageContaining("staging");
    }

    @Test
    void aliasToAVersionThatDoesNotExistIsRefused() {
        String name = name("sentiment");
        registry.register(name, "one {{text}}");

        assertThatThrownBy(() -> registry.setAlias(name, "production", 5))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessageContaining("prompt '" + name + "' has no version 5");
    }

    @Test
    void aliasOnAnUnknownPromptIsRefused() {
        String missing = name("no-such-prompt");
        assertThatThrownBy(() -> registry.setAlias(missing, "production", 1))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessageContaining("no prompt '" + missing + "'");
    }

    @Test
    void invalidNamesAreRejected() {
        for (String bad : List.of("has space", "a/b", "", "semi;colon")) {
            assertThatThrownBy(() -> registry.register(bad, "x"))
                    .as("name '%s'", bad)
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("invalid prompt name '" + bad + "'");
        }
    }

    @Test
    void searchIsCaseInsensitiveAndSorted() {
        String beta = name("beta-Summary");
        String alpha = name("alpha-summary");
        String other = name("translate");
        registry.register(beta, "b {{x}}");
        registry.register(other, "t {{x}}");
        registry.register(alpha, "a {{x}}");

        List<String> found = registry.search("SUMMARY");

        assertThat(found).isSorted().contains(alpha, beta).doesNotContain(other);
        assertThat(found.indexOf(alpha)).isLessThan(found.indexOf(beta));
        assertThat(registry.search("")).isSorted().contains(alpha, beta, other);
    }

    @Test
    void versionsAreOldestFirstAndEmptyForAnUnknownPrompt() {
        String name = name("sentiment");
        registry.register(name, "one {{text}}");
        registry.register(name, "two {{text}}");
        registry.register(name, "three {{text}}");

        assertThat(registry.versions(name)).extracting(PromptVersion::version).containsExactly(1, 2, 3);
        assertThat(registry.versions(name)).extracting(v -> v.template().text())
                .containsExactly("one {{text}}", "two {{text}}", "three {{text}}");
        assertThat(registry.versions(name("no-such-prompt"))).isEmpty();
        assertThat(registry.latest(name("no-such-prompt"))).isEmpty();
    }

    @Test
    void concurrentRegistersFromEightThreadsGetDistinctConsecutiveVersions() throws Exception {
        String name = name("contended");
        int threads = 8;
        int perThread = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<Integer>> task = () -> {
                    start.await();
                    List<Integer> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(registry.register(name, "thread " + thread + " item " + i + " {{x}}").version());
                    }
                    return mine;
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> f : futures) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }

            List<Integer> expected = new ArrayList<>();
            for (int v = 1; v <= threads * perThread; v++) {
                expected.add(v);
            }
            assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(registry.versions(name)).extracting(PromptVersion::version).containsExactlyElementsOf(expected);
        } finally {
            pool.shutdownNow();
        }
    }
}
