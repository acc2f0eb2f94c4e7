package dev.promptopt.llama;

import dev.promptopt.ModelResponse;

/**
 * Measures the local model: load time and generation speed. Not a test; run with
 * <pre>
 * scripts/fetch-local-model.sh
 * scripts/bench.sh optimizer-llama dev.promptopt.llama.LocalModelBench 5 128 2
 * </pre>
 * Arguments: number of timed calls (default 5), max tokens per call (default 128), threads (default min(4, cores)).
 */
public final class LocalModelBench {
    private LocalModelBench() {
    }

    @SuppressWarnings("SystemOut") // a command-line tool: its output is the point
    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int maxTokens = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Math.min(4, Runtime.getRuntime().availableProcessors());
        try (LocalLlamaModel model = LocalLlamaModel.builder().modelPath(LocalModelFiles.defaultModelPath())
                .maxTokens(maxTokens).threads(threads).build()) {
            System.out.printf("model %s%nload %d ms (threads %d)%n", model.modelPath(), model.loadMillis(), threads);
            model.chat("Warm up."); // first call pays one-off allocation
            long inTok = 0;
            long outTok = 0;
            long nanos = 0;
            for (int i = 0; i < calls; i++) {
                long t = System.nanoTime();
                ModelResponse r = model.chat("Write a short story about a robot who learns to paint. Story #" + i);
                long dt = System.nanoTime() - t;
                nanos += dt;
                inTok += r.usage().inputTokens();
                outTok += r.usage().outputTokens();
                System.out.printf("call %d: %d in, %d out, %d ms%n", i, r.usage().inputTokens(), r.usage().outputTokens(), dt / 1_000_000);
            }
            double secs = nanos / 1e9;
            System.out.printf("total %d calls: %d prompt + %d generated tokens in %.2f s -> %.1f generated tok/s, %.1f total tok/s, %.0f ms/call%n",
                    calls, inTok, outTok, secs, outTok / secs, (inTok + outTok) / secs, secs * 1000 / calls);
        }
        // de.kherud:llama 4.2.0 leaves a non-daemon native thread behind after close(); exit explicitly.
        System.exit(0);
    }
}
