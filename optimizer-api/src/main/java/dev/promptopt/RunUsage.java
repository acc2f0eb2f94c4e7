package dev.promptopt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a run's models cost: the dollars its cost source reported, and calls, tokens and dollars per model role
 * (task, judge, reflection) when a usage meter wrapped the models.
 *
 * <pre>{@code
 * result.usage().costUsd().ifPresent(usd -> log.info("the run cost ${}", usd));
 * RunUsage.RoleUsage task = result.usage().roles().get("task");
 * }</pre>
 *
 * @param totalCostUsd the dollars the run's cost source reported at the end; null when the run had no cost source
 * @param roles        role name (lower case, e.g. {@code task}) -> its usage; empty without a usage meter
 */
public record RunUsage(@Nullable Double totalCostUsd, Map<String, RoleUsage> roles) {
    /**
     * One model role's share. When some calls' token counts were not reported, the token sums and the dollars are
     * lower bounds ({@link #complete()} is false).
     *
     * @param calls           model calls made
     * @param inputTokens     tokens sent, as reported
     * @param outputTokens    tokens received, as reported
     * @param costUsd         their dollars
     * @param unreportedCalls calls whose provider left out a token count
     */
    public record RoleUsage(long calls, long inputTokens, long outputTokens, double costUsd, long unreportedCalls) {
        /** Usage whose counts were all reported. */
        public RoleUsage(long calls, long inputTokens, long outputTokens, double costUsd) {
            this(calls, inputTokens, outputTokens, costUsd, 0);
        }

        /** Whether every call's token counts were reported. */
        public boolean complete() {
            return unreportedCalls == 0;
        }
    }

    public RunUsage {
        if (totalCostUsd != null && (totalCostUsd.isNaN() || totalCostUsd < 0)) {
            throw new IllegalArgumentException("run usage: totalCostUsd must be a number >= 0 or absent, found " + totalCostUsd);
        }
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(roles, "roles")));
    }

    /** No cost source and no meter. */
    public static RunUsage none() {
        return new RunUsage(null, Map.of());
    }

    /** The run's dollars, when it had a cost source. */
    public Optional<Double> costUsd() {
        return Optional.ofNullable(totalCostUsd);
    }
}
