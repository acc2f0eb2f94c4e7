package dev.promptopt.core;

import dev.promptopt.InvalidInputException;
import dev.promptopt.LanguageModel;
import dev.promptopt.ModelProvider;
import dev.promptopt.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Resolves {@code "provider:/model"} strings to {@link LanguageModel}s through the
 * {@link ModelProvider}s on the classpath (optimizer-langchain4j-openai brings {@code openai} and
 * {@code openai-compatible}, optimizer-langchain4j-anthropic {@code anthropic}, optimizer-langchain4j-ollama
 * {@code ollama}, optimizer-llama {@code local}).
 *
 * <pre>{@code
 * LanguageModel reflector = Models.resolve("openai:/gpt-4o");
 * LanguageModel local = Models.resolve("local:/smollm2-135m", Map.of("temperature", "0"));
 * }</pre>
 *
 * <p>Options may also ride in the URI, {@code local:/smollm2-135m?maxTokens=64}, which is how configuration
 * files set them; options passed in the map win.
 *
 * <p>When two providers claim the same scheme, resolution fails naming both, unless the system
 * property {@code promptopt.provider.<scheme>} names the class to use.
 */
public final class Models {
    private Models() {
    }

    public static LanguageModel resolve(String uri) {
        return resolve(uri, Map.of());
    }

    public static LanguageModel resolve(String uri, Map<String, String> options) {
        // Credentials in the URI or options are remembered so every later message, log line and file scrubs them.
        Secrets.registerFrom(uri, options);
        int query = uri == null ? -1 : uri.indexOf('?');
        if (query >= 0) {
            // "local:/smollm2-135m?maxTokens=64&temperature=0": options in the URI, for configuration files.
            Map<String, String> merged = new java.util.LinkedHashMap<>();
            for (String pair : uri.substring(query + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidInputException("invalid model URI '" + Secrets.redact(uri) + "': option '"
                            + Secrets.redact(pair) + "' is not <name>=<value>");
                }
                merged.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            merged.putAll(options);
            return resolve(uri.substring(0, query), merged);
        }
        int sep = uri == null ? -1 : uri.indexOf(":/");
        if (sep <= 0 || sep + 2 >= uri.length()) {
            throw new InvalidInputException("invalid model URI '" + Secrets.redact(uri)
                    + "': expected <provider>:/<model>, e.g. openai:/gpt-4o-mini");
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            if (o.getKey().equalsIgnoreCase("baseUrl")) {
                String problem = ModelProvider.baseUrlProblem(o.getValue());
                if (problem != null) {
                    throw new InvalidInputException("model " + Secrets.modelName(uri) + ": " + problem);
                }
            }
        }
        String scheme = uri.substring(0, sep);
        String model = uri.substring(sep + 2);
        return provider(scheme).create(model, options);
    }

    /** The provider for a scheme. */
    public static ModelProvider provider(String scheme) {
        List<ModelProvider> matches = new ArrayList<>();
        TreeSet<String> known = new TreeSet<>();
        for (ModelProvider p : ServiceLoader.load(ModelProvider.class, Models.class.getClassLoader())) {
            known.add(p.scheme());
            if (p.scheme().equals(scheme)) {
                matches.add(p);
            }
        }
        if (matches.isEmpty()) {
            throw new InvalidInputException("no model provider for '" + scheme + ":/' on the classpath (known: " + known
                    + "); add " + moduleFor(scheme));
        }
        if (matches.size() > 1) {
            String chosen = System.getProperty("promptopt.provider." + scheme);
            for (ModelProvider p : matches) {
                if (p.getClass().getName().equals(chosen)) {
                    return p;
                }
            }
            List<String> names = matches.stream().map(p -> p.getClass().getName()).toList();
            throw new InvalidInputException("several model providers claim '" + scheme + ":/': " + names
                    + "; pick one with -Dpromptopt.provider." + scheme + "=<class name>");
        }
        return matches.get(0);
    }

    /** The Maven artifact that brings a scheme's provider, for the error when none is on the classpath. */
    private static String moduleFor(String scheme) {
        return switch (scheme) {
            case "openai", "openai-compatible" -> "the Maven artifact dev.promptopt:optimizer-langchain4j-openai";
            case "anthropic" -> "the Maven artifact dev.promptopt:optimizer-langchain4j-anthropic";
            case "ollama" -> "the Maven artifact dev.promptopt:optimizer-langchain4j-ollama";
            case "local" -> "the Maven artifact dev.promptopt:optimizer-llama";
            default -> "a module that provides it (a ModelProvider registered in META-INF/services)";
        };
    }
}
