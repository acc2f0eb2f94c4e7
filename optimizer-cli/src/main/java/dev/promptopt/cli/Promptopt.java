package dev.promptopt.cli;

import dev.promptopt.InvalidInputException;
import dev.promptopt.PromptOptimizerException;
import dev.promptopt.Secrets;
import dev.promptopt.core.ConsoleProgressListener;
import dev.promptopt.managed.Execution;
import dev.promptopt.managed.ExecutionState;
import dev.promptopt.managed.ExecutionStatus;
import dev.promptopt.managed.Executions;
import dev.promptopt.managed.ObjectStores;
import dev.promptopt.managed.OptimizationConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The managed-run command line: {@code run}, {@code status}, {@code resume} and {@code cancel}. {@link Main} runs it
 * and exits with its code; tests and embedders run it in-process through {@link #commandLine}.
 *
 * <pre>{@code
 * int code = Promptopt.commandLine(System.out, System.err).execute("run", "optimization.json", "--quiet");
 * }</pre>
 *
 * <p>Exit codes: {@value #OK} the execution COMPLETED (run, resume) or the command succeeded (status, cancel);
 * {@value #FAILED} the execution FAILED; {@value #INVALID} bad arguments, an invalid configuration or an unknown
 * execution (nothing ran); {@value #STOPPED} the execution was STOPPED by a cancel.
 */
@Command(name = "promptopt", mixinStandardHelpOptions = true, versionProvider = Promptopt.Version.class,
        description = "Runs SAP AI Core-style prompt optimizations described by a configuration file.",
        subcommands = {Promptopt.Run.class, Promptopt.Status.class, Promptopt.Resume.class, Promptopt.Cancel.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:completed, or the command succeeded", "1:the execution failed",
                "2:bad arguments, an invalid configuration or an unknown execution (nothing ran)",
                "3:the execution was stopped by a cancel"})
public final class Promptopt implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;
    public static final int STOPPED = 3;

    private final PrintStream out;
    private final PrintStream err;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Promptopt(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * The command, writing to the given streams; {@code execute(args)} returns the exit code and never exits.
     */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        Promptopt root = new Promptopt(out, err);
        CommandLine cl = new CommandLine(root, new Factory(root));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException
                || e instanceof PromptOptimizerException ? INVALID : FAILED);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + Secrets.redact(String.valueOf(e.getMessage())));
            if (!(e instanceof PromptOptimizerException)) {
                throw e;
            }
            return INVALID;
        });
        return cl;
    }

    /** Runs one command line in-process; returns its exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    /** No subcommand: the usage, on stderr, and the code for bad arguments. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return INVALID;
    }

    /** Where an existing execution lives: the stores of a configuration, or a stores description. */
    static final class Where {
        @Option(names = "--config", paramLabel = "<config.json>",
                description = "The configuration; its objectStores hold the execution.")
        Path config;

        @Option(names = "--stores", paramLabel = "<stores.json>",
                description = "A stores description (wins over --config to find the execution).")
        Path stores;

        ObjectStores load() {
            if (stores != null) {
                return ObjectStores.load(stores);
            }
            if (config != null) {
                return OptimizationConfig.load(config).buildStores();
            }
            if (Files.isRegularFile(Path.of("optimization.json"))) {
                return OptimizationConfig.load(Path.of("optimization.json")).buildStores();
            }
            throw new InvalidInputException("where is the execution? give --config <configuration.json> "
                    + "or --stores <stores.json> (no optimization.json in the current folder)");
        }
    }

    /** Options of the commands that run an execution. */
    static final class Running {
        @Option(names = "--work-dir", paramLabel = "<dir>",
                description = "Folder for the local run state (checkpoints); default: a temporary folder.")
        Path workDir;

        @Option(names = "--quiet", description = "No progress lines on stderr.")
        boolean quiet;
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Starts an execution of a configuration "
            + "and waits for it; prints the execution id first.")
    static final class Run implements Callable<Integer> {
        private final Promptopt root;

        @Parameters(index = "0", paramLabel = "<config.json>", description = "The configuration.")
        Path config;

        @Option(names = "--id", paramLabel = "<id>", description = "The execution id; default: a new one.")
        String id;

        @Mixin
        Running running = new Running();

        Run(Promptopt root) {
            this.root = root;
        }

        @Override
        public Integer call() {
            OptimizationConfig c = OptimizationConfig.load(config);
            Execution e = root.executions(c.buildStores(), running).create(c, id);
            root.out.println("execution " + e.id());
            return root.finish(e.run());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows an execution's status, "
            + "progress per target model and its last log lines.")
    static final class Status implements Callable<Integer> {
        private final Promptopt root;

        @Parameters(index = "0", paramLabel = "<id>", description = "The execution id.")
        String id;

        @Mixin
        Where where = new Where();

        @Option(names = "--json", description = "The full state as JSON.")
        boolean json;

        Status(Promptopt root) {
            this.root = root;
        }

        @Override
        public Integer call() {
            ExecutionState s = Executions.builder(where.load()).build().status(id);
            PrintStream out = root.out;
            if (json) {
                out.println(s.toJson());
                return OK;
            }
            out.println("execution " + s.id() + ": " + s.status() + " (updated " + s.updated() + ")");
            for (ExecutionState.TargetProgress t : s.allRuns()) {
                out.println("  " + bar(t.metricCallsUsed(), t.maxMetricCalls()) + " " + t.runId() + " " + t.model() + " "
                        + t.status() + scores(t) + (t.registered() == null ? "" : " -> " + t.registered()));
            }
            if (s.error() != null) {
                out.println("  error: " + s.error());
            }
            int from = Math.max(0, s.log().size() - 10);
            s.log().subList(from, s.log().size()).forEach(l -> out.println("  | " + l));
            return OK;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Continues an execution after a crash "
            + "or a cancel; repeats at most the calls that were in flight. Runs the configuration saved with the "
            + "execution, or --config, which must match it.")
    static final class Resume implements Callable<Integer> {
        private final Promptopt root;

        @Parameters(index = "0", paramLabel = "<id>", description = "The execution id.")
        String id;

        @Mixin
        Where where = new Where();

        @Mixin
        Running running = new Running();

        Resume(Promptopt root) {
            this.root = root;
        }

        @Override
        public Integer call() {
            OptimizationConfig config = where.config == null ? null : OptimizationConfig.load(where.config);
            Execution e = root.executions(where.load(), running).resume(id, config);
            root.out.println("execution " + e.id() + " resumed (" + e.status() + ")");
            return root.finish(e.run());
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Asks an execution to stop; the "
            + "process running it, wherever it runs, stops before its next batch of calls.")
    static final class Cancel implements Callable<Integer> {
        private final Promptopt root;

        @Parameters(index = "0", paramLabel = "<id>", description = "The execution id.")
        String id;

        @Mixin
        Where where = new Where();

        Cancel(Promptopt root) {
            this.root = root;
        }

        @Override
        public Integer call() {
            Executions.builder(where.load()).build().cancel(id);
            root.out.println("execution " + id + ": cancel requested; the running process stops before its next "
                    + "batch of calls");
            return OK;
        }
    }

    private Executions executions(ObjectStores stores, Running running) {
        Executions.Builder b = Executions.builder(stores);
        if (running.workDir != null) {
            b.workDirectory(running.workDir);
        }
        if (!running.quiet) {
            b.listener(err == System.err ? ConsoleProgressListener.create() : ConsoleProgressListener.to(err));
        }
        return b.build();
    }

    private int finish(ExecutionState s) {
        out.println("execution " + s.id() + ": " + s.status());
        for (ExecutionState.TargetProgress t : s.allRuns()) {
            out.println("  " + t.runId() + " " + t.model() + scores(t) + (t.registered() == null ? "" : " -> " + t.registered()));
        }
        if (s.status() == ExecutionStatus.FAILED) {
            err.println("error: " + Secrets.redact(s.error()));
            return FAILED;
        }
        return s.status() == ExecutionStatus.STOPPED ? STOPPED : OK;
    }

    private static String scores(ExecutionState.TargetProgress t) {
        if (t.preScore() == null) {
            return "";
        }
        return String.format(Locale.ROOT, " score %.4f", t.preScore())
                + (t.postScore() == null || t.runId().endsWith("-0") ? "" : String.format(Locale.ROOT, " -> %.4f", t.postScore()));
    }

    private static String bar(long used, long max) {
        int width = 20;
        int filled = max <= 0 ? 0 : (int) Math.min(width, used * width / max);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + used + "/" + max;
    }

    /** Gives each subcommand the root, so every command writes to the streams it was given. */
    private record Factory(Promptopt root) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == Promptopt.class) {
                return cls.cast(root);
            }
            for (var c : cls.getDeclaredConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Promptopt.class) {
                    c.setAccessible(true);
                    return cls.cast(c.newInstance(root));
                }
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    /** The version of this jar, from a resource written at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Promptopt.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IOException("dev/promptopt/cli/version.properties is missing from the jar");
                }
                p.load(in);
            }
            return new String[] {"promptopt " + p.getProperty("version")};
        }
    }
}
