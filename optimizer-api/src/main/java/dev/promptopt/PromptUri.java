package dev.promptopt;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A reference to a prompt: {@code prompts:/name/3} (a version), {@code prompts:/name@alias} (an alias),
 * or {@code prompts:/name} (the latest version).
 *
 * <pre>{@code
 * PromptUri uri = PromptUri.parse("prompts:/sentiment@production");
 * uri.name(); uri.alias();   // "sentiment", "production"
 * }</pre>
 *
 * @param name    the prompt name
 * @param version the version, or null
 * @param alias   the alias, or null
 */
public record PromptUri(String name, @Nullable Integer version, @Nullable String alias) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final String PREFIX = "prompts:/";

    public PromptUri {
        requireValidName(name);
        if (version != null && alias != null) {
            throw new InvalidInputException("prompt URI for '" + name + "' has both a version and an alias");
        }
        if (version != null && version < 1) {
            throw new InvalidInputException("prompt '" + name + "': version must be >= 1, found " + version);
        }
        if (alias != null && !NAME.matcher(alias).matches()) {
            throw new InvalidInputException("prompt '" + name + "': invalid alias '" + alias
                    + "' (expected letters, digits, '_', '.', '-')");
        }
    }

    public static PromptUri of(String name, int version) {
        return new PromptUri(name, version, null);
    }

    public static PromptUri ofAlias(String name, String alias) {
        return new PromptUri(name, null, alias);
    }

    public static PromptUri latest(String name) {
        return new PromptUri(name, null, null);
    }

    /**
     * Parses a prompt URI.
     *
     * @throws InvalidInputException naming the URI and what is wrong with it
     */
    public static PromptUri parse(String uri) {
        if (uri == null || !uri.startsWith(PREFIX)) {
            throw new InvalidInputException("invalid prompt URI '" + uri
                    + "': expected prompts:/<name>/<version>, prompts:/<name>@<alias> or prompts:/<name>");
        }
        String rest = uri.substring(PREFIX.length());
        try {
            int at = rest.indexOf('@');
            if (at >= 0) {
                return ofAlias(rest.substring(0, at), rest.substring(at + 1));
            }
            int slash = rest.indexOf('/');
            if (slash < 0) {
                return latest(rest);
            }
            String v = rest.substring(slash + 1);
            if (!v.matches("[0-9]{1,9}")) {
                throw new InvalidInputException("version '" + v + "' is not a positive number");
            }
            return of(rest.substring(0, slash), Integer.parseInt(v));
        } catch (InvalidInputException e) {
            throw new InvalidInputException("invalid prompt URI '" + uri + "': " + e.getMessage(), e);
        }
    }

    /** Checks a prompt name against the rule MLflow also applies. */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("invalid prompt name '" + name
                    + "': expected letters, digits, '_', '.' or '-' (at least one)");
        }
        return name;
    }

    @Override
    public String toString() {
        if (version != null) {
            return PREFIX + name + "/" + version;
        }
        if (alias != null) {
            return PREFIX + name + "@" + alias;
        }
        return PREFIX + name;
    }
}
