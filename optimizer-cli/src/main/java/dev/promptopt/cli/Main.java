package dev.promptopt.cli;

/**
 * The entry point of {@code promptopt.jar}: runs {@link Promptopt} and exits with its code. The only library code
 * that calls {@link System#exit} (the example programs also end with it, because of the local model's native
 * thread: see {@code LocalLlamaModel}).
 *
 * <pre>{@code
 * java -jar optimizer-cli/target/promptopt.jar run optimization.json
 * }</pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Promptopt.commandLine(System.out, System.err).execute(args));
    }
}
