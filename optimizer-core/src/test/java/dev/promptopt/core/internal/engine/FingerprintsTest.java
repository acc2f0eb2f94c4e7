package dev.promptopt.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.Example;
import dev.promptopt.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintsTest {
    /** A value Jackson cannot write: its only property fails when read. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("no value");
        }
    }

    @Test
    void anExampleWhoseContentCannotBeWrittenAsJsonIsBadInputNamingTheExample() {
        Example odd = Example.of("ex-7", Map.of("text", new Unwritable()), "positive");

        assertThatThrownBy(() -> Fingerprints.of(odd))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("ex-7")
                .hasMessageContaining("cannot be written as JSON");
    }

    @Test
    void theSameContentHasTheSameFingerprint() {
        assertThat(Fingerprints.of(Example.of("a", Map.of("text", "x"), "y")))
                .isEqualTo(Fingerprints.of(Example.of("a", Map.of("text", "x"), "y")))
                .isNotEqualTo(Fingerprints.of(Example.of("a", Map.of("text", "z"), "y")));
    }
}
