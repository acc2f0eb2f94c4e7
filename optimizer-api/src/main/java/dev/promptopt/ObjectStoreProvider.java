package dev.promptopt;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Builds an {@link ObjectStore} of one type from the options of a named store in a configuration; found
 * through {@link java.util.ServiceLoader}. {@code local} is built in; optimizer-s3 brings {@code s3}.
 *
 * <pre>{@code
 * // META-INF/services/dev.promptopt.ObjectStoreProvider lists the class
 * public final class S3StoreProvider implements ObjectStoreProvider {
 *     public String type() { return "s3"; }
 *     public Set<String> options() { return Set.of("bucket", "endpoint", "region", "pathPrefix"); }
 *     public ObjectStore create(String name, Map<String, String> options, Path baseDirectory) { ... }
 * }
 * }</pre>
 */
public interface ObjectStoreProvider {
    /** The value of {@code "type"} this provider builds, e.g. {@code s3}. */
    String type();

    /** Every option key it understands (besides {@code type}); others are reported as unknown. */
    Set<String> options();

    /**
     * A store from its options.
     *
     * @param name          the store's name in the configuration, for messages
     * @param baseDirectory the folder relative paths are resolved against (the configuration's folder)
     * @throws dev.promptopt.InvalidInputException naming the store and the option when a value is wrong
     */
    ObjectStore create(String name, Map<String, String> options, Path baseDirectory);
}
