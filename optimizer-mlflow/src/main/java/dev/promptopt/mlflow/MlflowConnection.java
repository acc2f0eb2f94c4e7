package dev.promptopt.mlflow;

import dev.promptopt.InvalidInputException;
import dev.promptopt.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where an MLflow tracking server is and how to log in: a tracking URI, an optional bearer token or
 * basic-auth user, timeouts and retries. Immutable; build one with {@link #builder(String)} or read the
 * standard MLflow environment variables with {@link #fromEnvironment()}.
 *
 * <pre>{@code
 * MlflowConnection mlflow = MlflowConnection.builder("http://127.0.0.1:5000")
 *     .token(System.getenv("MLFLOW_TRACKING_TOKEN"))
 *     .maxAttempts(4)
 *     .build();
 * PromptRegistry registry = new MlflowPromptRegistry(mlflow);
 * RunTracker tracker = new MlflowRunTracker(mlflow);
 * }</pre>
 *
 * <p>Environment: {@code MLFLOW_TRACKING_URI}, {@code MLFLOW_TRACKING_TOKEN}, {@code MLFLOW_TRACKING_USERNAME},
 * {@code MLFLOW_TRACKING_PASSWORD}. Secrets never appear in {@link #toString()}, logs or error messages.
 */
public final class MlflowConnection {
    /** Environment variable names, as MLflow's own clients read them. */
    public static final String ENV_URI = "MLFLOW_TRACKING_URI";
    public static final String ENV_TOKEN = "MLFLOW_TRACKING_TOKEN";
    public static final String ENV_USERNAME = "MLFLOW_TRACKING_USERNAME";
    public static final String ENV_PASSWORD = "MLFLOW_TRACKING_PASSWORD";

    private final URI trackingUri;
    private final String token;
    private final String username;
    private final String password;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;

    private MlflowConnection(Builder b) {
        this.trackingUri = b.trackingUri;
        this.token = b.token;
        this.username = b.username;
        this.password = b.password;
        Secrets.register(b.token); // so an error body or a log line that echoes them is scrubbed
        Secrets.register(b.password);
        Secrets.registerFrom(String.valueOf(b.trackingUri), null);
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
    }

    /** A connection to a server with no credentials and default timeouts and retries. */
    public static MlflowConnection of(String trackingUri) {
        return builder(trackingUri).build();
    }

    /**
     * A connection from {@code MLFLOW_TRACKING_URI} and the credential variables.
     *
     * @throws InvalidInputException when {@code MLFLOW_TRACKING_URI} is unset or not an http(s) URI
     */
    public static MlflowConnection fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the given map instead of the process environment. */
    public static MlflowConnection fromEnvironment(Map<String, String> env) {
        String uri = env.get(ENV_URI);
        if (uri == null || uri.isBlank()) {
            throw new InvalidInputException(ENV_URI + " is not set: set it to the MLflow server, e.g. http://127.0.0.1:5000");
        }
        return builder(uri).credentialsFrom(env).build();
    }

    public static Builder builder(String trackingUri) {
        return new Builder(trackingUri);
    }

    /** The server, without a trailing slash, e.g. {@code http://127.0.0.1:5000}. */
    public URI trackingUri() {
        return trackingUri;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Attempts per call, the first included; 1 means no retry. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The wait before the first retry; it doubles for each further one. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** The {@code Authorization} header value, or null. Not logged anywhere. */
    public String authorizationHeader() {
        if (token != null) {
            return "Bearer " + token;
        }
        if (username != null) {
            String pair = username + ":" + (password == null ? "" : password);
            return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return null;
    }

    /** "bearer token", "basic auth as USER" or "no credentials": for messages. */
    public String describeAuth() {
        if (token != null) {
            return "a bearer token (" + ENV_TOKEN + ")";
        }
        if (username != null) {
            return "basic auth as '" + username + "' (" + ENV_USERNAME + "/" + ENV_PASSWORD + ")";
        }
        return "no credentials (set " + ENV_TOKEN + ", or " + ENV_USERNAME + " and " + ENV_PASSWORD + ")";
    }

    @Override
    public String toString() {
        return "MlflowConnection[" + trackingUri + ", " + (token != null ? "token" : username != null ? "basic auth" : "no auth") + "]";
    }

    /** Builds a {@link MlflowConnection}; {@link #build()} checks the values. */
    public static final class Builder {
        private URI trackingUri;
        private String token;
        private String username;
        private String password;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(200);

        private Builder(String trackingUri) {
            Objects.requireNonNull(trackingUri, "trackingUri");
            String u = trackingUri.trim();
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            URI parsed;
            try {
                parsed = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("invalid MLflow tracking URI '" + trackingUri + "': " + e.getMessage(), e);
            }
            if (parsed.getScheme() == null || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))
                    || parsed.getHost() == null) {
                throw new InvalidInputException("invalid MLflow tracking URI '" + trackingUri
                        + "': expected http://host:port or https://host (a running MLflow server)");
            }
            this.trackingUri = parsed;
        }

        /** A bearer token ({@code Authorization: Bearer ...}); null or blank means none. */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token;
            return this;
        }

        /** Basic-auth credentials (MLflow's basic-auth app); a null user means none. */
        public Builder basicAuth(String username, String password) {
            this.username = username == null || username.isBlank() ? null : username;
            this.password = password;
            return this;
        }

        /** Reads {@code MLFLOW_TRACKING_TOKEN}, {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD}. */
        public Builder credentialsFrom(Map<String, String> env) {
            // As MLflow's Python client: a user and password win over a token.
            String user = env.get(ENV_USERNAME);
            if (user != null && !user.isBlank()) {
                return basicAuth(user, env.get(ENV_PASSWORD)).token(null);
            }
            return token(env.get(ENV_TOKEN)).basicAuth(null, null);
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Attempts per call on connection errors and retriable statuses (408, 425, 429, most 5xx; see
         * {@link dev.promptopt.HttpRetryRules}), default 3; 1 disables retries. A call that creates something
         * ({@code runs/create}, {@code model-versions/create}) is repeated only on 429 or when no connection was made.
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /** Wait before the first retry (default 200 ms), doubled for each further one. */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        public MlflowConnection build() {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, found " + maxAttempts);
            }
            if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive, found connect=" + connectTimeout
                        + " request=" + requestTimeout);
            }
            if (initialBackoff.isNegative()) {
                throw new IllegalArgumentException("initialBackoff must not be negative, found " + initialBackoff);
            }
            if (token != null && username != null) {
                throw new IllegalStateException("both a bearer token and basic auth are set: use one");
            }
            return new MlflowConnection(this);
        }
    }
}
