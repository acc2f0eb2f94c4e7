package dev.promptopt.core.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonSupportTest {
    record Timed(Instant at, Duration took) {
    }

    @TempDir
    Path dir;

    @Test
    void recordsWithInstantsAndDurationsRoundTrip() throws Exception {
        Timed value = new Timed(Instant.parse("2025-01-02T03:04:05.678901Z"), Duration.ofMillis(1500));

        String json = JsonSupport.mapper().writeValueAsString(value);

        assertThat(json).isEqualTo("{\"at\":\"2025-01-02T03:04:05.678901Z\",\"took\":\"PT1.5S\"}");
        assertThat(JsonSupport.mapper().readValue(json, Timed.class)).isEqualTo(value);
    }

    @Test
    void unknownPropertiesAreIgnored() throws Exception {
        assertThat(JsonSupport.mapper().readValue("{\"at\":null,\"took\":null,\"extra\":1}", Timed.class))
                .isEqualTo(new Timed(null, null));
    }

    @Test
    void writeAtomicallyCreatesFoldersAndReplacesTheFile() throws Exception {
        Path file = dir.resolve("a/b/c.json");

        JsonSupport.writeAtomically(file, "one".getBytes(UTF_8));
        JsonSupport.writeAtomically(file, "two".getBytes(UTF_8));

        assertThat(Files.readString(file)).isEqualTo("two");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void filesAreWrittenIndented() {
        Path file = dir.resolve("x.json");

        JsonSupport.writeJson(file, new Timed(Instant.EPOCH, Duration.ZERO));

        assertThat(JsonSupport.readTree(file, "test").get("took").asText()).isEqualTo("PT0S");
        assertThat(new String(JsonSupport.toFileBytes(new Timed(Instant.EPOCH, Duration.ZERO)), UTF_8)).contains("\n");
    }
}
