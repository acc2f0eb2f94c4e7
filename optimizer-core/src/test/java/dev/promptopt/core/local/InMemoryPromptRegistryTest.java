package dev.promptopt.core.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.PromptNotFoundException;
import dev.promptopt.PromptRegistry;
import dev.promptopt.core.contract.PromptRegistryContract;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class InMemoryPromptRegistryTest extends PromptRegistryContract {
    private static final Instant NOW = Instant.parse("2025-03-01T10:15:30.123456Z");

    @Override
    protected PromptRegistry newRegistry() {
        return new InMemoryPromptRegistry(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void creationTimeComesFromTheClock() {
        assertThat(registry.register("sentiment", "x").createdAt()).isEqualTo(NOW);
    }

    @Test
    void notFoundMessagesSayTheRegistryIsInMemory() {
        registry.register("greeting", "hi {{name}}");

        assertThatThrownBy(() -> registry.load("prompts:/sentiment"))
                .isInstanceOf(PromptNotFoundException.class)
                .hasMessage("no prompt 'sentiment' in the in-memory registry (prompts: greeting)");
    }
}
