package dev.promptopt.gepa.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptopt.CandidateRecord;
import dev.promptopt.OptimizationResult;
import dev.promptopt.gepa.GepaStats;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GEPA through the real {@code openai-compatible:/} provider and {@link dev.promptopt.langchain4j.ResilientModel}
 * against a local server that injects seeded faults (429 with Retry-After, 500, 503, hangs past the client's
 * timeout): retried failures change nothing, so the run ends exactly as the fault-free one, with no example
 * left failed.
 */
class FaultInjectionTest {
    private static final Logger log = LoggerFactory.getLogger(FaultInjectionTest.class);
    /** Attempts per model call; at 50% faults a call fails for good with probability 0.5^10 (then the engine asks once more). */
    private static final int ATTEMPTS = 10;
    /** The client's timeout per attempt: a hang costs this much; a slow answer on a loaded machine is retried. */
    private static final String TIMEOUT = "0.3";

    private static OptimizationResult clean;
    private static WordTaskServer.Stats cleanStats;

    @BeforeAll
    static void faultFreeRun(@TempDir Path dir) throws Exception {
        try (WordTaskServer server = new WordTaskServer(0, 0.0)) {
            clean = WordTaskRun.run(server.baseUrl(), dir, "clean", false, ATTEMPTS, TIMEOUT, false);
            cleanStats = server.stats();
        }
    }

    @Test
    void theFaultFreeRunFindsTheRules() {
        assertThat(clean.finalScore()).isEqualTo(1.0);
        assertThat(clean.initialScore()).isLessThan(1.0);
        assertThat(cleanStats.faultsInjected()).isZero();
        assertThat(cleanStats.answeredReflection()).isPositive();
    }

    @ParameterizedTest(name = "{0} faults, schedule seed {1}")
    @CsvSource({"0.2, 11", "0.5, 12"})
    void aRunWithInjectedFaultsEndsExactlyAsTheFaultFreeRun(double rate, long seed, @TempDir Path dir) throws Exception {
        OptimizationResult faulty;
        WordTaskServer.Stats stats;
        try (WordTaskServer server = new WordTaskServer(seed, rate)) {
            faulty = WordTaskRun.run(server.baseUrl(), dir, "faulty", false, ATTEMPTS, TIMEOUT, false);
            stats = server.stats();
        }
        log.info("fault rate {}: {} requests, {} faults injected {}, {} task and {} reflection calls answered "
                + "({} distinct; fault-free run: {} requests, {} distinct answered)", rate, stats.requests(),
                stats.faultsInjected(), stats.faults(), stats.answeredTask(), stats.answeredReflection(),
                stats.distinctAnswered(), cleanStats.requests(), cleanStats.distinctAnswered());

        // The faults happened, of every kind...
        assertThat(stats.faultsInjected()).isGreaterThan((int) (rate * stats.requests() / 2));
        assertThat(stats.faults()).containsOnlyKeys(WordTaskServer.Fault.values());
        // ...and changed nothing: same best prompt, same scores, same candidates, same metric calls.
        assertThat(faulty.bestTemplates()).isEqualTo(clean.bestTemplates());
        assertThat(faulty.finalScore()).isEqualTo(clean.finalScore());
        assertThat(faulty.initialScore()).isEqualTo(clean.initialScore());
        assertThat(faulty.candidates()).extracting(CandidateRecord::templates)
                .isEqualTo(clean.candidates().stream().map(CandidateRecord::templates).toList());
        assertThat(faulty.candidates()).extracting(CandidateRecord::validationScores)
                .isEqualTo(clean.candidates().stream().map(CandidateRecord::validationScores).toList());
        assertThat(faulty.metricCalls()).isEqualTo(clean.metricCalls());
        // No example left failed, and the server answered exactly the calls of the fault-free run (an answer that
        // came after the client's timeout, on a loaded machine, is the same call asked again).
        assertThat(faulty.stats().failedBaselineExamples()).isEmpty();
        assertThat(faulty.stats().failedFinalExamples()).isEmpty();
        assertThat(faulty.stats().failedCalls()).isEqualTo(0L);
        assertThat(faulty.optimizerStats(GepaStats.class).orElseThrow().rejectionReasons()).isEqualTo(clean.optimizerStats(GepaStats.class).orElseThrow().rejectionReasons());
        assertThat(stats.distinctAnswered()).isEqualTo(cleanStats.distinctAnswered());
        assertThat(new java.util.LinkedHashSet<>(stats.reflectionPrompts()))
                .containsExactlyElementsOf(new java.util.LinkedHashSet<>(cleanStats.reflectionPrompts()));
    }
}
