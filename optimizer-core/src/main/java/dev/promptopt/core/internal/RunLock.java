package dev.promptopt.core.internal;

import dev.promptopt.PromptOptimizerException;
import dev.promptopt.RunInUseException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The one writer of a run folder: an exclusive OS lock on {@code <run folder>/run.lock}, held for the run's life.
 * The file names its holder (pid, host, start time) so a second process, or a second run in this process, gets an
 * error saying who has the run. The lock goes when the holder closes it or dies; the file stays (deleting it would
 * let a third writer lock a new file while the second still holds the old one).
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name inside a run folder. */
    public static final String FILE_NAME = "run.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks a run folder (created if missing).
     *
     * @param what the run, for the message, e.g. "run 'r1'"
     * @throws RunInUseException when another process or another run in this process holds it
     */
    public static RunLock acquire(Path runDir, String what) {
        Path file = runDir.resolve(FILE_NAME);
        FileChannel ch = null;
        try {
            Files.createDirectories(runDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                throw new RunInUseException(what + " in " + runDir + " is in use by " + holder(file)
                        + ": one process at a time may write a run (wait for it to end, or stop it, then resume)");
            }
            String me = "pid " + ProcessHandle.current().pid() + " on host " + host() + " since " + Instant.now();
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new RunLock(ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new PromptOptimizerException("cannot lock " + what + " (" + file + "): " + e, e);
        }
    }

    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "another process (it has not written its name yet)" : text;
        } catch (IOException e) {
            return "another process (" + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the lock error is the story
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            throw new PromptOptimizerException("cannot release the run lock: " + e, e);
        } finally {
            closeQuietly(channel);
        }
    }
}
