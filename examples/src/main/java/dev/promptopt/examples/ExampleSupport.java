package dev.promptopt.examples;

import java.util.Map;

/** Small helpers the example programs share: environment settings, local-model options, output. */
final class ExampleSupport {
    private ExampleSupport() {
    }

    /** An environment variable, or the fallback when it is unset or blank. */
    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Options for the in-process model; hosted providers take their own defaults. */
    static Map<String, String> localOptions(String uri, String maxTokens) {
        return uri.startsWith("local:") ? Map.of("maxTokens", maxTokens) : Map.of();
    }

    static String indent(String s) {
        return "    " + s.replace("\n", "\n    ");
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("warning: could not close a model: " + e.getMessage());
        }
    }
}
