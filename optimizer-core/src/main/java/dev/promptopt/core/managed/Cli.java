package dev.promptopt.core.managed;

import dev.promptopt.PromptOptimizerException;
import dev.promptopt.Secrets;
import dev.promptopt.core.ConsoleProgressListener;
import dev.promptopt.core.internal.JsonSupport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command line of managed runs.
 *
 * <pre>{@code
 * java -cp ... dev.promptopt.core.managed.Cli run optimization.json [--id ID] [--work-dir DIR] [--quiet]
 * java -cp ... dev.promptopt.core.managed.Cli status <id> --config optimization.json [--json]
 * java -cp ... dev.promptopt.core.managed.Cli resume <id> --config optimization.json [--work-dir DIR] [--quiet]
 * java -cp ... dev.promptopt.core.managed.Cli cancel <id> --config optimization.json
 * }</pre>
 *
 * <p>{@code status}, {@code resume} and {@code cancel} find the execution in the {@code default} store that
 * {@code --config} describes (its {@code objectStores}), or that {@code --stores stores.json} describes.
 * {@code resume} runs the configuration saved with the execution, or the {@code --config} given, which must match it
 * (credentials are never stored, so a configuration with keys in model URIs is given again). {@code cancel} leaves a marker in the store;
 * the running process, wherever it runs, stops before its next batch of calls.
 *
 * <p>Exit codes: 0 the execution COMPLETED (run, resume) or the command succeeded (status, cancel);
 * 1 the execution FAILED; 2 bad arguments, an invalid configuration or an unknown execution (nothing ran);
 * 3 the execution was STOPPED by a cancel.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;
    public static final int STOPPED = 3;
    private static final Set<String> FLAGS = Set.of("--quiet", "--json");
    private static final Set<String> OPTIONS = Set.of("--id", "--work-dir", "--config", "--stores");

    private final PrintStream out;
    private final PrintStream err;

    private Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new Cli(out, err).execute(args);
    }

    private int execute(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? INVALID : OK;
        }
        String command = args[0];
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (FLAGS.contains(a)) {
                options.put(a, "true");
            } else if (OPTIONS.contains(a)) {
                if (i + 1 >= args.length) {
                    err.println("error: " + a + " needs a value");
                    return INVALID;
                }
                options.put(a, args[++i]);
            } else if (a.startsWith("--")) {
                err.println("error: unknown option " + a + Suggestions.didYouMean(a, union()));
                return INVALID;
            } else {
                positional.add(a);
            }
        }
        if (positional.size() != 1) {
            err.println("error: '" + command + "' takes exactly one argument, found " + positional);
            usage(err);
            return INVALID;
        }
        try {
            return switch (command) {
                case "run" -> run(Path.of(positional.get(0)), options);
                case "status" -> status(positional.get(0), options);
                case "resume" -> resume(positional.get(0), options);
                case "cancel" -> cancel(positional.get(0), options);
                default -> {
                    err.println("error: unknown command '" + command + "'"
                            + Suggestions.didYouMean(command, List.of("run", "status", "resume", "cancel")));
                    usage(err);
                    yield INVALID;
                }
            };
        } catch (PromptOptimizerException e) {
            err.println("error: " + Secrets.redact(e.getMessage()));
            return INVALID;
        }
    }

    private int run(Path config, Map<String, String> options) {
        OptimizationConfig c = OptimizationConfig.load(config);
        Executions executions = executions(c.buildStores(), options);
        Execution e = executions.create(c, options.get("--id"));
        out.println("execution " + e.id());
        return finish(e.run());
    }

    private int resume(String id, Map<String, String> options) {
        OptimizationConfig config = options.containsKey("--config") ? OptimizationConfig.load(Path.of(options.get("--config"))) : null;
        Execution e = executions(stores(options), options).resume(id, config);
        out.println("execution " + e.id() + " resumed (" + e.status() + ")");
        return finish(e.run());
    }

    private int status(String id, Map<String, String> options) {
        ExecutionState s = executions(stores(options), options).status(id);
        if (options.containsKey("--json")) {
            out.println(new String(JsonSupport.toFileBytes(s), java.nio.charset.StandardCharsets.UTF_8));
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

    private int cancel(String id, Map<String, String> options) {
        executions(stores(options), options).cancel(id);
        out.println("execution " + id + ": cancel requested; the running process stops before its next batch of calls");
        return OK;
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

    private Executions executions(ObjectStores stores, Map<String, String> options) {
        Executions.Builder b = Executions.builder(stores);
        if (options.containsKey("--work-dir")) {
            b.workDirectory(Path.of(options.get("--work-dir")));
        }
        if (!options.containsKey("--quiet")) {
            b.listener(ConsoleProgressListener.create());
        }
        return b.build();
    }

    private ObjectStores stores(Map<String, String> options) {
        if (options.containsKey("--stores")) {
            return ObjectStores.load(Path.of(options.get("--stores")));
        }
        if (options.containsKey("--config")) {
            return OptimizationConfig.load(Path.of(options.get("--config"))).buildStores();
        }
        if (Files.isRegularFile(Path.of("optimization.json"))) {
            return OptimizationConfig.load(Path.of("optimization.json")).buildStores();
        }
        throw new dev.promptopt.InvalidInputException("where is the execution? give --config <configuration.json> "
                + "or --stores <stores.json> (no optimization.json in the current folder)");
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

    private static Set<String> union() {
        Set<String> all = new java.util.TreeSet<>(FLAGS);
        all.addAll(OPTIONS);
        return all;
    }

    private static void usage(PrintStream s) {
        s.println("usage: promptopt run <config.json> [--id ID] [--work-dir DIR] [--quiet]");
        s.println("       promptopt status <id> [--config <config.json> | --stores <stores.json>] [--json]");
        s.println("       promptopt resume <id> [--config <config.json> | --stores <stores.json>] [--work-dir DIR] [--quiet]");
        s.println("       promptopt cancel <id> [--config <config.json> | --stores <stores.json>]");
        s.println("exit codes: 0 completed/ok, 1 failed, 2 invalid arguments or configuration, 3 stopped");
    }
}
