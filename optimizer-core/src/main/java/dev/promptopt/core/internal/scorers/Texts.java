package dev.promptopt.core.internal.scorers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.promptopt.ModelResponse;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turning outputs and references into text and numbers, and showing them in rationales. */
public final class Texts {
    static final ObjectMapper MAPPER = JsonMapper.builder().build();
    /** How much of a text a rationale quotes; rationales feed reflection prompts, so keep them short. */
    static final int MAX_SHOWN = 200;

    // Thousands separators ("1,234.5") or plain digits; a leading '.' is allowed (".5").
    private static final Pattern NUMBER = Pattern.compile(
            "[-+]?(?:(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?|\\.\\d+)(?:[eE][-+]?\\d+)?");

    private Texts() {
    }

    /** The output as text: strings as they are, a model response's text, structures as JSON; null stays null. */
    public static String asText(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof CharSequence cs) {
            return cs.toString();
        }
        if (value instanceof ModelResponse r) {
            return r.text();
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?> || value instanceof Object[]) {
            try {
                return MAPPER.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                return value.toString();
            }
        }
        return value.toString();
    }

    /** A quoted, possibly truncated copy of a text for a rationale. */
    static String show(String s) {
        return show(s, MAX_SHOWN);
    }

    static String show(String s, int max) {
        if (s == null) {
            return "nothing (null)";
        }
        if (s.length() <= max) {
            return "\"" + s + "\"";
        }
        return "\"" + s.substring(0, max) + "...\" (" + s.length() + " chars)";
    }

    /** A number itself, or the first number written in a text. */
    static OptionalDouble firstNumber(Object value) {
        if (value instanceof Number n) {
            return OptionalDouble.of(n.doubleValue());
        }
        String s = asText(value);
        if (s == null) {
            return OptionalDouble.empty();
        }
        Matcher m = NUMBER.matcher(s);
        if (!m.find()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Double.parseDouble(m.group().replace(",", "")));
    }

    /** 42.0 -> "42", 0.1 -> "0.1"; 12 significant digits hide binary rounding (0.6000000000000014 -> "0.6"). */
    static String formatNumber(double d) {
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            return Double.toString(d);
        }
        return BigDecimal.valueOf(d).round(new java.math.MathContext(12)).stripTrailingZeros().toPlainString();
    }
}
