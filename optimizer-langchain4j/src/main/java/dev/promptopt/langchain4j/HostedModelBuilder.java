package dev.promptopt.langchain4j;

import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelProvider;
import dev.promptopt.Secrets;
import dev.promptopt.langchain4j.internal.ChatModelAdapter;
import dev.promptopt.langchain4j.internal.Options;
import dev.promptopt.langchain4j.internal.RetryAfterHttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds a hosted model of one {@link HostedModelProvider} (OpenAI, Anthropic, Ollama, OpenAI-compatible, each
 * from its own module) as a {@link LanguageModel} with retries, a timeout and an optional rate limit. Keys and
 * base URLs come from the builder, else from environment variables; a missing key fails in {@link #build()}
 * naming the variable. Keys are never logged.
 *
 * <pre>{@code
 * LanguageModel judge = OpenAiModels.openAi("gpt-4o-mini")         // optimizer-langchain4j-openai
 *     .temperature(0.0).timeout(Duration.ofSeconds(30)).requestsPerMinute(500).build();
 * }</pre>
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><td>openai</td><td>OPENAI_API_KEY (required), OPENAI_BASE_URL</td></tr>
 *   <tr><td>anthropic</td><td>ANTHROPIC_API_KEY (required), ANTHROPIC_BASE_URL</td></tr>
 *   <tr><td>ollama</td><td>OLLAMA_BASE_URL (default http://localhost:11434)</td></tr>
 *   <tr><td>openai-compatible</td><td>PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL (required), PROMPTOPT_OPENAI_COMPATIBLE_API_KEY</td></tr>
 * </table>
 *
 * Options accepted by {@link #options(Map)} and by {@code Models.resolve(uri, options)}: {@code apiKey},
 * {@code baseUrl}, {@code temperature}, {@code maxTokens}, {@code timeout} (seconds or ISO-8601),
 * {@code maxAttempts}, {@code requestsPerMinute}.
 */
public final class HostedModelBuilder {
    private final HostedModelProvider provider;
    private final String model;
    private String apiKey;
    private String baseUrl;
    private Double temperature;
    private Integer maxTokens;
    private Duration timeout = Duration.ofSeconds(60);
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private RateLimiter rateLimiter;
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Function<String, String> env = System::getenv;

    HostedModelBuilder(HostedModelProvider provider, String model) {
        this.provider = Objects.requireNonNull(provider, "provider");
        if (model == null || model.isBlank()) {
            throw new InvalidInputException(provider.scheme() + ":/ needs a model name, e.g. " + provider.scheme()
                    + ":/<model>");
        }
        this.model = model;
    }

    public HostedModelBuilder apiKey(String apiKey) {
        this.apiKey = apiKey;
        return this;
    }

    public HostedModelBuilder baseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
        return this;
    }

    public HostedModelBuilder temperature(double temperature) {
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be in [0, 2], found " + temperature);
        }
        this.temperature = temperature;
        return this;
    }

    public HostedModelBuilder maxTokens(int maxTokens) {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be > 0, found " + maxTokens);
        }
        this.maxTokens = maxTokens;
        return this;
    }

    /** HTTP read timeout of one attempt; default 60 s. A timeout is retried. */
    public HostedModelBuilder timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, found " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /** Default {@link RetryPolicy#ofDefaults()}; {@link RetryPolicy#noRetries()} turns retries off. */
    public HostedModelBuilder retryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        return this;
    }

    /** Share one limiter between the models of one account. */
    public HostedModelBuilder rateLimiter(RateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        return this;
    }

    public HostedModelBuilder requestsPerMinute(int requestsPerMinute) {
        this.rateLimiter = RateLimiter.perMinute(requestsPerMinute);
        return this;
    }

    /** How to wait between retries (tests record instead of sleeping). */
    public HostedModelBuilder sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return this;
    }

    /** Where environment variables are read from; default {@link System#getenv(String)}. */
    public HostedModelBuilder env(Function<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
        return this;
    }

    /** Applies string options (see the class comment); unknown keys fail naming the known ones. */
    public HostedModelBuilder options(Map<String, String> options) {
        Options o = new Options(provider.scheme(), options);
        o.string("apiKey").ifPresent(this::apiKey);
        o.string("baseUrl").ifPresent(this::baseUrl);
        o.decimal("temperature").ifPresent(this::temperature);
        o.integer("maxTokens").ifPresent(this::maxTokens);
        o.duration("timeout").ifPresent(this::timeout);
        o.integer("maxAttempts").ifPresent(n -> retryPolicy(retryPolicy.maxAttempts(n)));
        o.integer("requestsPerMinute").ifPresent(this::requestsPerMinute);
        o.rejectUnknown("apiKey", "baseUrl", "temperature", "maxTokens", "timeout", "maxAttempts", "requestsPerMinute");
        return this;
    }

    /**
     * The key a provider sends when it has none (langchain4j's OpenAI client always sends one). Its
     * {@code Authorization: Bearer none} header gives way to a base URL's user info, sent as basic authentication.
     */
    public static final String NO_KEY = "none";

    /** The model's name: {@code <scheme>:/<model>}. */
    public String name() {
        return provider.scheme() + ":/" + model;
    }

    /** The langchain4j chat model, without our retries (langchain4j's own are off). */
    public ChatModel buildChatModel() {
        String key = firstNonBlank(apiKey, provider.keyEnv() == null ? null : env.apply(provider.keyEnv()));
        String url = firstNonBlank(baseUrl, env.apply(provider.baseUrlEnv()));
        Secrets.register(key); // a key from the environment is as secret as one from the URI
        Secrets.registerFrom(url, null);
        if (url != null) {
            requireUrl(url);
        }
        if (provider.keyRequired() && key == null) {
            throw new InvalidInputException(name() + ": no API key; set the environment variable " + provider.keyEnv()
                    + " or pass the apiKey option");
        }
        return provider.chatModel(new Settings(name(), model, key, url, temperature, maxTokens, timeout,
                RetryAfterHttpClient.builder()));
    }

    /** The model, wrapped in a {@link ResilientModel} unless retries are off and no rate limit is set. */
    public LanguageModel build() {
        String authHint = provider.keyEnv() == null ? null : "check " + provider.keyEnv() + " or the apiKey option";
        LanguageModel adapter = new ChatModelAdapter(buildChatModel(), name(), authHint);
        if (retryPolicy.maxAttempts() == 1 && rateLimiter == null) {
            return adapter;
        }
        return ResilientModel.builder(adapter).retryPolicy(retryPolicy).rateLimiter(rateLimiter).sleeper(sleeper).build();
    }

    private void requireUrl(String url) {
        String problem = ModelProvider.baseUrlProblem(url);
        if (problem != null) {
            throw new InvalidInputException(name() + ": " + problem);
        }
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }

    @Override
    public String toString() {
        return "HostedModelBuilder[" + name() + "]"; // never the key
    }

    /**
     * What a {@link HostedModelProvider} builds its chat model from: the settings given to the builder, with the
     * key and base URL already taken from the environment when not given.
     *
     * @param name              {@code <scheme>:/<model>}, for messages
     * @param model             the provider's model name
     * @param apiKey            the key, or null when none was given or found
     * @param baseUrl           the base URL, or null for the provider's default
     * @param temperature       the sampling temperature, or null for the provider's default
     * @param maxTokens         the most tokens to generate, or null for the provider's default
     * @param timeout           the read timeout of one attempt
     * @param httpClientBuilder the HTTP client to give langchain4j (it keeps Retry-After for our retries)
     */
    public record Settings(String name, String model, String apiKey, String baseUrl, Double temperature,
            Integer maxTokens, Duration timeout, HttpClientBuilder httpClientBuilder) {
        /**
         * Hands each optional setting that is set to its setter on a provider's builder, e.g.
         * {@code s.applyOptional(b::baseUrl, b::temperature, b::maxTokens)}.
         */
        public void applyOptional(Consumer<String> baseUrlSetter, Consumer<Double> temperatureSetter,
                Consumer<Integer> maxTokensSetter) {
            if (baseUrl != null) {
                baseUrlSetter.accept(baseUrl);
            }
            if (temperature != null) {
                temperatureSetter.accept(temperature);
            }
            if (maxTokens != null) {
                maxTokensSetter.accept(maxTokens);
            }
        }

        /** Never shows the key. */
        @Override
        public String toString() {
            return "Settings[" + name + ", baseUrl=" + baseUrl + "]";
        }
    }
}
