package dev.promptopt.core.internal.judges;

/**
 * What a judge's answer said: a value in [0, 1] (or none when unreadable), the judge's rationale, the raw
 * verdict as written ("yes", "7"), and how it was read ("json", "text", or "unparseable").
 */
record Verdict(Double value, String rationale, String raw, String parsedFrom) {
    boolean parsed() {
        return value != null;
    }
}
