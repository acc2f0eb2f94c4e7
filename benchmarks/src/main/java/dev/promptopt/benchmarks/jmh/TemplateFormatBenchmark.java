package dev.promptopt.benchmarks.jmh;

import dev.promptopt.ChatMessage;
import dev.promptopt.PromptTemplate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Template rendering, the step every predict call starts with: a text template with three variables (one of
 * them a list, written as JSON) and a two-message chat template.
 *
 * <pre>{@code scripts/bench-jmh.sh TemplateFormatBenchmark}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TemplateFormatBenchmark {
    private PromptTemplate text;
    private PromptTemplate chat;
    private Map<String, Object> inputs;

    /** Builds the templates and inputs once per fork. */
    @Setup
    public void setUp() {
        text = PromptTemplate.text("""
                Classify the sentiment of the review below as positive, negative or neutral.
                Product: {{product}}
                Review: {{review}}
                Earlier labels for this product: {{labels}}
                Answer with one word.""");
        chat = PromptTemplate.chat(List.of(
                ChatMessage.system("You label reviews of {{product}}. Answer with one word."),
                ChatMessage.user("Review: {{review}}\nEarlier labels: {{labels}}")));
        inputs = Map.of(
                "product", "a stainless steel kettle",
                "review", "It boils fast, but the lid started to rattle after two weeks of daily use.",
                "labels", List.of("positive", "neutral", "negative"));
    }

    /** One text template rendered with three variables. */
    @Benchmark
    public String formatText() {
        return text.format(inputs);
    }

    /** One chat template of two messages rendered with the same variables. */
    @Benchmark
    public List<ChatMessage> formatChat() {
        return chat.formatMessages(inputs);
    }
}
