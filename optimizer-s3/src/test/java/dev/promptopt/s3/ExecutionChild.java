package dev.promptopt.s3;

import dev.promptopt.managed.Execution;
import dev.promptopt.managed.ExecutionState;
import dev.promptopt.managed.ExecutionStatus;
import dev.promptopt.managed.Executions;
import dev.promptopt.managed.OptimizationConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A managed execution in a child JVM, for the kill-and-resume test: {@code run <config> --id <id> --work-dir <dir>}
 * or {@code resume <id> --config <config> --work-dir <dir>}. The CLI module builds on this one, so the test drives
 * executions the way the CLI does; the JVM ends normally when the execution completed and with an exception
 * (exit code 1) otherwise.
 */
public final class ExecutionChild {
    private ExecutionChild() {
    }

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        boolean run = args[0].equals("run");
        OptimizationConfig config = OptimizationConfig.load(Path.of(run ? args[1] : options.get("--config")));
        Executions executions = Executions.builder(config.buildStores())
                .workDirectory(Path.of(options.get("--work-dir"))).build();
        Execution e = run ? executions.create(config, options.get("--id")) : executions.resume(args[1], config);
        ExecutionState s = e.run();
        if (s.status() != ExecutionStatus.COMPLETED) {
            throw new IllegalStateException("execution " + s.id() + " ended " + s.status() + ": " + s.error());
        }
    }
}
