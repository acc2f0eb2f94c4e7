package dev.promptopt.core;

import dev.promptopt.Example;
import dev.promptopt.Feedback;
import dev.promptopt.InvalidInputException;
import dev.promptopt.Scorer;
import dev.promptopt.core.internal.scorers.ContainsScorer;
import dev.promptopt.core.internal.scorers.ExactMatchScorer;
import dev.promptopt.core.internal.scorers.JsonMatchScorer;
import dev.promptopt.core.internal.scorers.NamedScorer;
import dev.promptopt.core.internal.scorers.NumericScorer;
import dev.promptopt.core.internal.scorers.RegexScorer;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The built-in scorers: deterministic checks, and your own functions.
 *
 * <pre>{@code
 * PromptOptimizer.builder()
 *     .scorers(Scorers.exactMatch(MatchOptions.ofDefaults().ignoreCase(true)), Scorers.regex("^(positive|negative|neutral)$"))
 *     ...
 * Evaluation.of(predict).data(test).scorers(Scorers.jsonMatch()).run();
 * }</pre>
 *
 * <p>Scorers that compare with a reference use the example's reference output ({@code outputs}, else
 * the {@code expected_response} expectation) and report examples lacking one before a run starts.
 * Outputs that are not strings are compared as text: a {@code ModelResponse} by its text, maps and
 * lists as JSON. Every value is in [0, 1] and every rationale says what was expected and what came back,
 * since the rationale is what prompt reflection learns from.
 */
public final class Scorers {
    private Scorers() {
    }

    // ----- Deterministic checks ------------------------------------------------------------------

    /** "exact_match": the output equals the reference output, after trimming both. */
    public static Scorer exactMatch() {
        return exactMatch(MatchOptions.ofDefaults());
    }

    /** "exact_match": the output equals the reference output after the options' normalization. */
    public static Scorer exactMatch(MatchOptions options) {
        return new ExactMatchScorer(options);
    }

    /** "contains": the output contains the given text (case-sensitive; see {@link #contains(String, MatchOptions)}). */
    public static Scorer contains(String text) {
        return contains(text, MatchOptions.ofDefaults());
    }

    /** "contains": the output contains the given text, both normalized by the options. */
    public static Scorer contains(String text, MatchOptions options) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new InvalidInputException("contains(text): the text to look for must not be blank, found \"" + text + "\"");
        }
        return ContainsScorer.text(text, options);
    }

    /** "contains": the output contains the example's reference output (e.g. the label somewhere in a longer answer). */
    public static Scorer containsReference() {
        return containsReference(MatchOptions.ofDefaults());
    }

    /** "contains": the output contains the reference output, both normalized by the options. */
    public static Scorer containsReference(MatchOptions options) {
        return ContainsScorer.reference(options);
    }

    /**
     * "regex": the pattern is found in the output. Anchor it ({@code ^...$}) to require the whole output
     * to match; use {@code (?i)} for case-insensitive matching.
     *
     * @throws InvalidInputException when the pattern is not a valid regular expression
     */
    public static Scorer regex(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        try {
            return new RegexScorer(Pattern.compile(pattern));
        } catch (PatternSyntaxException e) {
            throw new InvalidInputException("regex scorer: invalid pattern '" + pattern + "': " + e.getDescription()
                    + " near index " + e.getIndex(), e);
        }
    }

    /** "regex": the compiled pattern is found in the output. */
    public static Scorer regex(Pattern pattern) {
        return new RegexScorer(pattern);
    }

    /**
     * "json_match" (SAP's {@code JSON_Match}): the output and the reference output are JSON objects compared
     * by top-level field. A field matches when both have it with equal values (numbers by value, nested
     * objects ignoring key order, arrays in order, {@code "5"} never equals {@code 5}). The value is the F1 of
     * precision (matching / output fields) and recall (matching / reference fields); 1 when both objects are
     * empty. A Markdown code fence or prose around the output's object is tolerated; an output that is not a
     * JSON object scores 0 with the parse error as the rationale. The rationale names every wrong, missing
     * and unexpected field with expected and actual values; details hold precision, recall and f1.
     */
    public static Scorer jsonMatch() {
        return new JsonMatchScorer();
    }

    /**
     * "numeric": the first number in the output (e.g. {@code 42} in "The answer is 42.") is within
     * {@code tolerance} (absolute) of the reference number. {@code numeric(0)} asks for an exact value.
     *
     * @throws InvalidInputException when the tolerance is negative or not finite
     */
    public static Scorer numeric(double tolerance) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new InvalidInputException("numeric scorer: tolerance must be a finite number >= 0, found " + tolerance);
        }
        return new NumericScorer(tolerance);
    }

    // ----- Your own --------------------------------------------------------------------------------

    /** A scorer from a function; same as {@link Scorer#of}. */
    public static Scorer custom(String name, Scorer.ScoreFunction fn) {
        Objects.requireNonNull(fn, "fn");
        return Scorer.of(requireName(name), fn);
    }

    /** A pass/fail scorer from a predicate over the example and the output. */
    public static Scorer fromPredicate(String name, BiPredicate<Example, Object> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        String n = requireName(name);
        return Scorer.of(n, (example, output) -> predicate.test(example, output)
                ? Feedback.pass("check '" + n + "' passed")
                : Feedback.fail("check '" + n + "' failed"));
    }

    /**
     * The scorer under another name, so two scorers of one kind can run together:
     * {@code Scorers.named("has_label", Scorers.regex("positive|negative"))}.
     */
    public static Scorer named(String name, Scorer scorer) {
        Objects.requireNonNull(scorer, "scorer");
        return new NamedScorer(requireName(name), scorer);
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("a scorer name must not be blank, found " + (name == null ? "null" : "\"" + name + "\""));
        }
        return name;
    }

    // ----- LLM judges (see Judges) -----------------------------------------------------------------

    /** "equivalence": an LLM judge decides whether the output means the same as the reference output. */
    public static Scorer equivalence(dev.promptopt.LanguageModel judge) {
        return Judges.equivalence(judge);
    }

    /** "correctness": an LLM judge checks the output against the example's expectations. */
    public static Scorer correctness(dev.promptopt.LanguageModel judge) {
        return Judges.correctness(judge);
    }

    /** "guidelines": an LLM judge checks the output against a list of rules. */
    public static Scorer guidelines(dev.promptopt.LanguageModel judge, java.util.List<String> guidelines) {
        return Judges.guidelines(judge, guidelines);
    }

    /** SAP's {@code LLMaaJ:Sem_Sim_10}: semantic similarity to the reference on 1-10, normalized to [0,1]. */
    public static Scorer semanticSimilarity10(dev.promptopt.LanguageModel judge) {
        return Judges.semanticSimilarity10(judge);
    }

    /** SAP's {@code LLMaaJ:Sem_Sim_1}: semantically similar to the reference or not. */
    public static Scorer semanticSimilarityBinary(dev.promptopt.LanguageModel judge) {
        return Judges.semanticSimilarityBinary(judge);
    }
}
