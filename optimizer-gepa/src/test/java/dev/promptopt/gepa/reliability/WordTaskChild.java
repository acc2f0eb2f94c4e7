package dev.promptopt.gepa.reliability;

import java.nio.file.Path;

/**
 * The child JVM of {@link KillResumeTest}: runs (or resumes) one optimization and exits 0 when it ends.
 * Arguments: base URL, folder, run id, {@code run} or {@code resume}.
 */
public final class WordTaskChild {
    private WordTaskChild() {
    }

    public static void main(String[] args) {
        WordTaskRun.run(args[0], Path.of(args[1]), args[2], args[3].equals("resume"), 1, "10", true);
    }
}
