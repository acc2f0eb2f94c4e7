package dev.promptopt.managed;

import dev.promptopt.ObjectStore;
import dev.promptopt.ObjectStoreException;
import dev.promptopt.core.io.AtomicFiles;
import dev.promptopt.core.io.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a PromptOptimizer run folder (local, where the engine writes) and its copy in the {@code default}
 * store in step. The engine's files are a checkpoint (replaced atomically) and an append-only journal of
 * evaluations; a consistent copy takes the checkpoint first, then the journal (which then holds at least
 * every entry the checkpoint counts), and uploads the journal before the checkpoint. On restore the copy
 * with the longer journal wins, so a run resumed on the same machine loses nothing, and one resumed
 * elsewhere repeats at most the calls made since the last push.
 */
final class RunMirror {
    private static final Logger log = LoggerFactory.getLogger(RunMirror.class);
    static final String CHECKPOINT = "checkpoint.json";
    static final String JOURNAL = RunFiles.JOURNAL;
    static final String RESULT = "result.json";

    private final ObjectStore store;
    private final String prefix;
    private final Path dir;
    private byte[] pushedCheckpoint;
    private long pushedJournalLength = -1;

    RunMirror(ObjectStore store, String prefix, Path dir) {
        this.store = store;
        this.prefix = prefix;
        this.dir = dir;
    }

    /** Whether either copy has a checkpoint, i.e. the run must be resumed rather than started. */
    boolean restore() {
        boolean remote = store.exists(prefix + CHECKPOINT);
        boolean local = Files.isRegularFile(dir.resolve(CHECKPOINT));
        if (!remote) {
            if (local) {
                RunFiles.repairJournal(dir.resolve(JOURNAL));
            }
            return local;
        }
        try {
            long localLines = local ? lines(readOrEmpty(dir.resolve(JOURNAL))) : -1;
            byte[] remoteJournal = store.exists(prefix + JOURNAL) ? store.get(prefix + JOURNAL) : new byte[0];
            if (localLines >= lines(remoteJournal)) {
                RunFiles.repairJournal(dir.resolve(JOURNAL));
                log.info("resuming {} from the local copy ({} journaled evaluations)", dir, localLines);
                return true;
            }
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(JOURNAL), remoteJournal);
            AtomicFiles.write(dir.resolve(CHECKPOINT), store.get(prefix + CHECKPOINT));
            Files.deleteIfExists(dir.resolve(RESULT));
            log.info("restored {} from {} ({} journaled evaluations)", dir, store.describe() + "/" + prefix, lines(remoteJournal));
            return true;
        } catch (IOException e) {
            throw new ObjectStoreException("cannot restore run folder " + dir + " from store " + store.describe() + ": " + e, e);
        }
    }

    /** Uploads what changed since the last push. */
    synchronized void push() {
        try {
            Path cp = dir.resolve(CHECKPOINT);
            if (!Files.isRegularFile(cp)) {
                return;
            }
            byte[] checkpoint = Files.readAllBytes(cp);
            byte[] journal = completeLines(readOrEmpty(dir.resolve(JOURNAL)));
            if (journal.length != pushedJournalLength) {
                store.put(prefix + JOURNAL, journal);
                pushedJournalLength = journal.length;
            }
            if (!Arrays.equals(checkpoint, pushedCheckpoint)) {
                store.put(prefix + CHECKPOINT, checkpoint);
                pushedCheckpoint = checkpoint;
            }
            Path result = dir.resolve(RESULT);
            if (Files.isRegularFile(result)) {
                store.put(prefix + RESULT, Files.readAllBytes(result));
            }
        } catch (IOException e) {
            throw new ObjectStoreException("cannot copy run folder " + dir + " to store " + store.describe() + ": " + e, e);
        }
    }

    private static byte[] completeLines(byte[] journal) {
        int end = journal.length;
        while (end > 0 && journal[end - 1] != '\n') {
            end--;
        }
        return end == journal.length ? journal : Arrays.copyOf(journal, end);
    }

    private static byte[] readOrEmpty(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readAllBytes(file) : new byte[0];
    }

    private static long lines(byte[] journal) {
        long n = 0;
        for (byte b : journal) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
