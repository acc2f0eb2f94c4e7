package dev.promptopt.core.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptopt.ChatMessage;
import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptNotFoundException;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.PromptTemplate;
import dev.promptopt.PromptVersion;
import dev.promptopt.core.contract.PromptRegistryContract;
import dev.promptopt.core.io.JsonSupport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryPromptRegistryTest extends PromptRegistryContract {
    private static final Instant NOW = Instant.parse("2025-03-01T10:15:30.123456789Z");

    @TempDir
    Path dir;

    @Override
    protected PromptRegistry newRegistry() {
        return new DirectoryPromptRegistry(dir.resolve("prompts"), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Path root() {
        return dir.resolve("prompts").toAbsolutePath();
    }

    @Test
    void writesOneJsonFilePerVersionAndAnAliasesFile() throws Exception {
        registry.register("sentiment", PromptTemplate.text("Classify: {{text}}"), "first", Map.of("k", "v"));
        registry.register("chatty", PromptTemplate.chat(List.of(ChatMessage.system("Be brief."), ChatMessage.user("{{q}}"))));
        registry.setAlias("sentiment", "production", 1);

        JsonNode v1 = JsonSupport.mapper().readTree(root().resolve("sentiment/v1.json").toFile());
        assertThat(v1.get("name").asText()).isEqualTo("sentiment");
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v1.at("/template/type").asText()).isEqualTo("text");
        assertThat(v1.at("/template/template").asText()).isEqualTo("Classify: {{text}}");
        assertThat(v1.get("commitMessage").asText()).isEqualTo("first");
        assertThat(v1.at("/tags/k").asText()).isEqualTo("v");
        assertThat(v1.get("createdAt").asText()).isEqualTo("2025-03-01T10:15:30.123456789Z");

        JsonNode chat = JsonSupport.mapper().readTree(root().resolve("chatty/v1.json").toFile());
        assertThat(chat.at("/template/type").asText()).isEqualTo("chat");
        assertThat(chat.at("/template/messages/0/role").asText()).isEqualTo("system");
        assertThat(chat.at("/template/messages/1/content").asText()).isEqualTo("{{q}}");

        JsonNode aliases = JsonSupport.mapper().readTree(root().resolve("sentiment/aliases.json").toFile());
        assertThat(aliases.get("production").asInt()).isEqualTo(1);
    }

    @Test
    void versionsSurviveReopeningTheFolder() {
        registry.register("sentiment", PromptTemplate.text("one {{text}}"), "msg", Map.of("a", "b"));
        registry.setAlias("sentiment", "production", 1);

        PromptVersion reloaded = new DirectoryPromptRegistry(root()).load("prompts:/sentiment@production");

        assertThat(reloaded).isEqualTo(new PromptVersion("sentiment", 1, PromptTemplate.text("one {{text}}"), "msg",
                Map.of("a", "b"), java.util.Set.of("production"), NOW));
    }

    @Test
    void unknownVersionMessageNamesTheRegistryFolder() {
        registry.register("sentiment", "one");
        registry.register("sentiment", "two");
        registry.register("sentiment", "three");

        assertThatThrownBy(() -> registry.load("prompts:/sentiment/9"))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessage("prompt 'sentiment' has no version 9 (versions 1..3) in registry " + root());
    }

    @Test
    void unknownPromptMessageListsThePromptsThere() {
        registry.register("greeting", "hi");
        registry.register("farewell", "bye");

        assertThatThrownBy(() -> registry.load("prompts:/sentiment@production"))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessage("no prompt 'sentiment' in registry " + root() + " (prompts: farewell, greeting)");
    }

    @Test
    void unknownAliasMessageListsTheAliases() {
        registry.register("sentiment", "one");
        registry.register("sentiment", "two");
        registry.setAlias("sentiment", "staging", 2);

        assertThatThrownBy(() -> registry.load("prompts:/sentiment@production"))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessage("prompt 'sentiment' has no alias 'production' (aliases: staging -> 2) in registry " + root());
    }

    @Test
    void dotNamesThatWouldLeaveTheFolderAreRejected() {
        assertThatThrownBy(() -> registry.register("..", "x"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("invalid prompt name '..'");
        assertThatThrownBy(() -> registry.versions("."))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aCorruptVersionFileGivesAnErrorNamingTheFile() throws Exception {
        registry.register("sentiment", "one");
        Path file = root().resolve("sentiment/v1.json");
        Files.writeString(file, "{\"name\": \"sentiment\", \"version\": 1, \"templ", UTF_8);

        assertThatThrownBy(() -> registry.load("prompts:/sentiment/1"))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessageStartingWith("corrupt prompt version file " + file + ": not valid JSON");
    }

    @Test
    void aVersionFileMissingItsTemplateGivesAnErrorNamingFileAndField() throws Exception {
        registry.register("sentiment", "one");
        Path file = root().resolve("sentiment/v1.json");
        Files.writeString(file, "{\"name\": \"sentiment\", \"version\": 1, \"createdAt\": \"2025-01-01T00:00:00Z\"}", UTF_8);

        assertThatThrownBy(() -> registry.versions("sentiment"))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessage("corrupt prompt version file " + file + ": field 'template' must be an object, found null");
    }

    @Test
    void aVersionFileHoldingAnotherVersionIsReportedAsCorrupt() throws Exception {
        registry.register("sentiment", "one");
        registry.register("sentiment", "two");
        Path v2 = root().resolve("sentiment/v2.json");
        Files.copy(root().resolve("sentiment/v1.json"), v2, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> registry.load("prompts:/sentiment/2"))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessage("corrupt prompt version file " + v2 + ": it holds prompts:/sentiment/1, expected prompts:/sentiment/2");
    }

    @Test
    void aCorruptAliasesFileGivesAnErrorNamingTheFile() throws Exception {
        registry.register("sentiment", "one");
        registry.setAlias("sentiment", "production", 1);
        Path file = root().resolve("sentiment/aliases.json");
        Files.writeString(file, "[1, 2", UTF_8);

        assertThatThrownBy(() -> registry.load("prompts:/sentiment@production"))
                .isInstanceOf(PromptOptimizerException.class)
                .hasMessageContaining("corrupt prompt aliases file " + file);
    }

    @Test
    void noTemporaryFilesAreLeftBehind() throws Exception {
        for (int i = 0; i < 5; i++) {
            registry.register("sentiment", "v" + i);
        }
        registry.setAlias("sentiment", "production", 3);

        try (Stream<Path> files = Files.list(root().resolve("sentiment"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly(".lock", "aliases.json", "v1.json", "v2.json", "v3.json", "v4.json", "v5.json");
        }
    }

    @Test
    void searchIgnoresFoldersThatHoldNoVersions() throws Exception {
        registry.register("sentiment", "one");
        Files.createDirectories(root().resolve("empty-folder"));
        Files.createDirectories(root().resolve("not a prompt"));

        assertThat(registry.search("")).containsExactly("sentiment");
    }

    @Test
    void twoRegistryInstancesOnOneFolderAllocateDistinctVersions() throws Exception {
        PromptRegistry other = new DirectoryPromptRegistry(root());
        List<Thread> threads = new ArrayList<>();
        List<Integer> versions = java.util.Collections.synchronizedList(new ArrayList<>());
        for (PromptRegistry r : List.of(registry, other, registry, other)) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 10; i++) {
                    versions.add(r.register("shared", "x").version());
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }

        assertThat(versions).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 40).boxed().toList());
    }

    @Test
    void registersFromSeveralProcessesAllocateDistinctVersions() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        List<Process> processes = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            processes.add(new ProcessBuilder(java, "-cp", classpath, RegisterMany.class.getName(),
                    root().toString(), "multi", "15")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("child-" + p + ".log").toFile())
                    .start());
        }
        for (int i = 0; i < 15; i++) {
            registry.register("multi", "parent " + i);
        }
        for (Process process : processes) {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue())
                    .as(() -> readQuietly(dir.resolve("child-" + processes.indexOf(process) + ".log").toFile()))
                    .isZero();
        }

        assertThat(registry.versions("multi")).extracting(PromptVersion::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 45).boxed().toList());
    }

    private static String readQuietly(File file) {
        try {
            return Files.readString(file.toPath());
        } catch (java.io.IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** A second process registering versions into the same folder. */
    public static final class RegisterMany {
        public static void main(String[] args) {
            PromptRegistry registry = new DirectoryPromptRegistry(Path.of(args[0]));
            int count = Integer.parseInt(args[2]);
            for (int i = 0; i < count; i++) {
                registry.register(args[1], "child " + ProcessHandle.current().pid() + " " + i);
            }
        }
    }
}
