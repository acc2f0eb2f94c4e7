package dev.promptopt;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The one rule, shared by every HTTP client of the library (model providers, MLflow, S3), that decides whether a
 * failed HTTP call may be tried again.
 *
 * <p>A status is <em>retriable</em> when the same request may succeed later without any change:
 * <ul>
 *   <li>408 Request Timeout, 425 Too Early, 429 Too Many Requests;</li>
 *   <li>every 5xx except 501 Not Implemented, 505 HTTP Version Not Supported and 511 Network Authentication
 *       Required, which repeat identically until something is changed.</li>
 * </ul>
 * Every other 4xx is permanent, 409 Conflict included: a conflict (an existing resource, a concurrent edit) does not
 * go away by sending the same request again.
 *
 * <p>Only an idempotent request is retried on a retriable status: repeating a request that may have taken effect
 * (an MLflow {@code runs/create}) could do it twice. A non-idempotent request is retried only when the server surely
 * did not act on it: it answered 429 (rate limited before any processing) or the connection was never established.
 * GET, HEAD, OPTIONS, PUT and DELETE are idempotent by definition (RFC 9110, section 9.2.2); a POST is idempotent only
 * when its caller says so (a search, an upsert, a chat completion whose repetition only costs tokens).
 *
 * <pre>{@code
 * if (HttpRetryRules.retriable(status, HttpRetryRules.idempotentMethod("POST"))) { ... back off and send again ... }
 * Optional<Duration> wait = HttpRetryRules.retryAfter(response.headers().firstValue("Retry-After").orElse(null));
 * }</pre>
 */
public final class HttpRetryRules {
    private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private HttpRetryRules() {
    }

    /** Whether the same request may succeed if sent again later: 408, 425, 429 and 5xx except 501, 505, 511. */
    public static boolean retriable(int status) {
        return status == 408 || status == 425 || status == 429
                || (status >= 500 && status <= 599 && status != 501 && status != 505 && status != 511);
    }

    /**
     * Whether a request that failed with {@code status} may be sent again.
     *
     * @param idempotent whether sending the request twice has the same effect as sending it once
     * @return {@link #retriable(int)} for an idempotent request; for any other request only 429, which a server
     *         answers before acting on the request
     */
    public static boolean retriable(int status, boolean idempotent) {
        return idempotent ? retriable(status) : status == 429;
    }

    /** Whether an HTTP method is idempotent by definition (GET, HEAD, OPTIONS, TRACE, PUT, DELETE). */
    public static boolean idempotentMethod(String method) {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("an HTTP method is needed, found " + (method == null ? "null" : "'" + method + "'"));
        }
        return IDEMPOTENT_METHODS.contains(method.strip().toUpperCase(Locale.ROOT));
    }

    /** The wait a {@code Retry-After} header asks for, measuring an HTTP date against the system clock. */
    public static Optional<Duration> retryAfter(String headerValue) {
        return retryAfter(headerValue, Clock.systemUTC());
    }

    /**
     * The wait a {@code Retry-After} header asks for: delay seconds ({@code 7}; {@code 1.5} is accepted too) or an
     * HTTP date ({@code Wed, 21 Oct 2026 07:28:00 GMT}, a past date meaning no wait). Empty when the header is
     * absent, negative or unreadable: a client then falls back to its own back-off.
     */
    public static Optional<Duration> retryAfter(String headerValue, Clock clock) {
        if (headerValue == null || headerValue.isBlank()) {
            return Optional.empty();
        }
        String v = headerValue.strip();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)
                    ? Optional.empty() : Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(clock), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    /** A short reason phrase for messages ({@code "Too Many Requests"}), or "Client Error" / "Server Error". */
    public static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 422 -> "Unprocessable Entity";
            case 425 -> "Too Early";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 529 -> "Overloaded";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }
}
