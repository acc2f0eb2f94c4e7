package dev.promptopt.langchain4j.internal;

import dev.promptopt.LanguageModel;
import dev.promptopt.ModelProvider;
import dev.promptopt.langchain4j.HostedModelBuilder;
import java.util.Map;
import java.util.function.Function;

/** {@code openai:/}, {@code anthropic:/}, {@code ollama:/} and {@code openai-compatible:/} model URIs. */
public abstract class HostedModelProvider implements ModelProvider {
    private final HostedModelBuilder.Kind kind;
    private final Function<String, String> env;

    protected HostedModelProvider(HostedModelBuilder.Kind kind, Function<String, String> env) {
        this.kind = kind;
        this.env = env;
    }

    @Override
    public String scheme() {
        return kind.scheme();
    }

    @Override
    public LanguageModel create(String model, Map<String, String> options) {
        return HostedModelBuilder.of(kind, model).env(env).options(options).build();
    }

    public static final class OpenAi extends HostedModelProvider {
        public OpenAi() {
            this(System::getenv);
        }

        public OpenAi(Function<String, String> env) {
            super(HostedModelBuilder.Kind.OPENAI, env);
        }
    }

    public static final class Anthropic extends HostedModelProvider {
        public Anthropic() {
            this(System::getenv);
        }

        public Anthropic(Function<String, String> env) {
            super(HostedModelBuilder.Kind.ANTHROPIC, env);
        }
    }

    public static final class Ollama extends HostedModelProvider {
        public Ollama() {
            this(System::getenv);
        }

        public Ollama(Function<String, String> env) {
            super(HostedModelBuilder.Kind.OLLAMA, env);
        }
    }

    public static final class OpenAiCompatible extends HostedModelProvider {
        public OpenAiCompatible() {
            this(System::getenv);
        }

        public OpenAiCompatible(Function<String, String> env) {
            super(HostedModelBuilder.Kind.OPENAI_COMPATIBLE, env);
        }
    }
}
