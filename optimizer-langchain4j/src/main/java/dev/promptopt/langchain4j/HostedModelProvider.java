package dev.promptopt.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelProvider;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A hosted langchain4j provider behind a {@code <scheme>:/<model>} URI. The provider-neutral parts (keys and base
 * URLs from the environment, options, retries, timeouts, rate limits) live in {@link HostedModelBuilder}; a
 * subclass names its scheme and environment variables and builds the langchain4j {@link ChatModel}. Each provider
 * module (optimizer-langchain4j-openai, -anthropic, -ollama) ships its subclasses and registers them with
 * {@link java.util.ServiceLoader}, so a user pulls only the providers they add.
 *
 * <pre>{@code
 * public final class MyProvider extends HostedModelProvider {
 *     public MyProvider() { super("my", "MY_API_KEY", "MY_BASE_URL", true, System::getenv); }
 *     protected ChatModel chatModel(HostedModelBuilder.Settings s) { ... }
 * }
 * }</pre>
 */
public abstract class HostedModelProvider implements ModelProvider {
    private final String scheme;
    private final String keyEnv;
    private final String baseUrlEnv;
    private final boolean keyRequired;
    private final Function<String, String> env;

    /**
     * @param scheme      the URI scheme, e.g. {@code openai}
     * @param keyEnv      the environment variable holding the API key, or null when the provider takes none
     * @param baseUrlEnv  the environment variable holding the base URL
     * @param keyRequired whether {@link HostedModelBuilder#build()} fails without a key
     * @param env         where environment variables are read from
     */
    protected HostedModelProvider(String scheme, String keyEnv, String baseUrlEnv, boolean keyRequired,
            Function<String, String> env) {
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.keyEnv = keyEnv;
        this.baseUrlEnv = Objects.requireNonNull(baseUrlEnv, "baseUrlEnv");
        this.keyRequired = keyRequired;
        this.env = Objects.requireNonNull(env, "env");
    }

    @Override
    public final String scheme() {
        return scheme;
    }

    /** The environment variable holding the API key, or null when the provider takes none. */
    public final String keyEnv() {
        return keyEnv;
    }

    /** The environment variable holding the base URL. */
    public final String baseUrlEnv() {
        return baseUrlEnv;
    }

    /** Whether a key is required. */
    public final boolean keyRequired() {
        return keyRequired;
    }

    /** A builder for one of this provider's models, reading this provider's environment. */
    public HostedModelBuilder builder(String model) {
        return new HostedModelBuilder(this, model).env(env);
    }

    @Override
    public LanguageModel create(String model, Map<String, String> options) {
        return builder(model).options(options).build();
    }

    /**
     * The langchain4j chat model for resolved settings, with langchain4j's own retries off (ours wrap it) and
     * {@link HostedModelBuilder.Settings#httpClientBuilder()} as its HTTP client.
     *
     * @throws dev.promptopt.InvalidInputException when a setting this provider requires is missing
     */
    protected abstract ChatModel chatModel(HostedModelBuilder.Settings settings);

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + scheme + ":/]";
    }
}
