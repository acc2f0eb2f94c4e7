package dev.promptopt.core.io;

import dev.promptopt.core.internal.engine.ResultJournal;
import java.nio.file.Path;

/**
 * The files of a run folder, for modules that copy run folders to and from elsewhere (the managed runs mirror a
 * run folder in an object store).
 *
 * <pre>{@code
 * long kept = RunFiles.repairJournal(runFolder.resolve(RunFiles.JOURNAL));   // before resuming a copied run
 * }</pre>
 */
public final class RunFiles {
    /** The file of a run folder that holds one line per scored example. */
    public static final String JOURNAL = "evaluations.jsonl";

    private RunFiles() {
    }

    /**
     * Cuts a journal back to its last complete line, as a killed writer may leave half a line behind.
     *
     * @return the number of complete lines kept
     */
    public static long repairJournal(Path journal) {
        return ResultJournal.repair(journal);
    }
}
