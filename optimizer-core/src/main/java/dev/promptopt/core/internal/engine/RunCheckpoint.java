package dev.promptopt.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a run saves after each optimizer step: the engine's state (RNG, metric calls, how much of the
 * evaluation journal the optimizer has seen) and the optimizer's own state.
 *
 * @param format          file format version
 * @param runId           the run
 * @param optimizer       the optimizer's name; a resume with another optimizer is refused
 * @param seedFingerprint the seed templates' hash; a resume with other prompts is refused
 * @param randomSeed      the seed the RNG started from
 * @param rngState        the RNG's state when saved
 * @param journalEntries  journal lines the saved state has seen; later lines are replayed on resume
 * @param metricCalls     metric calls spent when saved
 * @param elapsedMillis   wall time spent when saved
 * @param optimizerState  the optimizer's state, or null before its first checkpoint
 * @param registeredUris  versions registered at the end of the run (so a resume does not register twice); null before
 */
public record RunCheckpoint(int format, String runId, String optimizer, String seedFingerprint, long randomSeed,
                            long rngState, long journalEntries, long metricCalls, long elapsedMillis,
                            JsonNode optimizerState, List<String> registeredUris) {
    public static final int FORMAT = 1;
}
