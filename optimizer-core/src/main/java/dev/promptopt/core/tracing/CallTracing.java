package dev.promptopt.core.tracing;

import dev.promptopt.PredictFn;
import dev.promptopt.PromptSet;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Wraps a predict function so that each call, its output or error, and its timing reach a recorder; the
 * wrapped function returns and throws exactly what the original does. {@link LocalTraces} and MLflow's
 * tracing are recorders.
 *
 * <pre>{@code
 * PredictFn traced = CallTracing.wrap(predict, (inputs, prompts, output, error, start, nanos) -> log(...),
 *         (failure, callFailed) -> log.warn("trace lost", failure));
 * }</pre>
 */
public final class CallTracing {
    private CallTracing() {
    }

    /** Receives one finished call. */
    @FunctionalInterface
    public interface Recorder {
        void record(Map<String, Object> inputs, PromptSet prompts, Object output, Throwable error, Instant start,
                    long durationNanos);
    }

    /** Decides what a failed recording does: log it, or rethrow it (never hiding the call's own error). */
    @FunctionalInterface
    public interface RecordFailure {
        void handle(RuntimeException failure, boolean callFailed);
    }

    public static PredictFn wrap(PredictFn predict, Recorder recorder, RecordFailure onFailure) {
        Objects.requireNonNull(predict, "predict");
        Objects.requireNonNull(recorder, "recorder");
        Objects.requireNonNull(onFailure, "onFailure");
        return (inputs, prompts) -> {
            long startNanos = System.nanoTime();
            Instant start = Instant.now();
            Object output = null;
            Throwable error = null;
            try {
                output = predict.predict(inputs, prompts);
                return output;
            } catch (Exception | Error e) {
                error = e;
                throw e;
            } finally {
                long durationNanos = System.nanoTime() - startNanos;
                try {
                    recorder.record(inputs, prompts, output, error, start, durationNanos);
                } catch (RuntimeException e) {
                    onFailure.handle(e, error != null);
                }
            }
        };
    }
}
