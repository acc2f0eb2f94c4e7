package dev.promptopt.s3;

import dev.promptopt.InvalidInputException;
import dev.promptopt.ObjectStore;
import dev.promptopt.ObjectStoreProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code s3} store type of named object stores (SAP's object store secret fields), registered through
 * {@link java.util.ServiceLoader}. Secrets are never written in the description: they are read from the
 * environment variables it names, or from the AWS SDK's default chain when none are named.
 *
 * <pre>{@code
 * {"default": {"type": "s3", "bucket": "results", "endpoint": "https://s3.eu-central-1.amazonaws.com",
 *              "region": "eu-central-1", "pathPrefix": "optimizations", "pathStyleAccess": "true",
 *              "accessKeyIdEnv": "S3_ACCESS_KEY_ID", "secretAccessKeyEnv": "S3_SECRET_ACCESS_KEY"}}
 * }</pre>
 */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {
    @Override
    public String type() {
        return "s3";
    }

    @Override
    public Set<String> options() {
        return Set.of("bucket", "endpoint", "region", "pathPrefix", "pathStyleAccess", "accessKeyIdEnv", "secretAccessKeyEnv");
    }

    @Override
    public ObjectStore create(String name, Map<String, String> options, Path baseDirectory) {
        List<String> problems = new ArrayList<>();
        S3ObjectStore.Builder b = S3ObjectStore.builder().bucket(options.get("bucket"));
        if (options.containsKey("endpoint")) {
            b.endpoint(options.get("endpoint"));
        }
        if (options.containsKey("region")) {
            b.region(options.get("region"));
        }
        if (options.containsKey("pathPrefix")) {
            b.pathPrefix(options.get("pathPrefix"));
        }
        String pathStyle = options.get("pathStyleAccess");
        if (pathStyle != null) {
            if (!pathStyle.equals("true") && !pathStyle.equals("false")) {
                problems.add("pathStyleAccess: expected true or false, found '" + pathStyle + "'");
            } else {
                b.pathStyleAccess(Boolean.parseBoolean(pathStyle));
            }
        }
        String idEnv = options.get("accessKeyIdEnv");
        String secretEnv = options.get("secretAccessKeyEnv");
        if ((idEnv == null) != (secretEnv == null)) {
            problems.add((idEnv == null ? "accessKeyIdEnv" : "secretAccessKeyEnv") + ": missing; name both environment "
                    + "variables, or neither to use the AWS SDK's default credentials chain");
        } else if (idEnv != null) {
            try {
                b.credentialsFromEnvironment(idEnv, secretEnv);
            } catch (InvalidInputException e) {
                problems.addAll(e.problems());
            }
        }
        try {
            S3ObjectStore store = b.build(); // also when there are problems: it reports its own
            if (problems.isEmpty()) {
                return store;
            }
            store.close();
        } catch (InvalidInputException e) {
            problems.addAll(e.problems());
        }
        throw InvalidInputException.of("s3 store '" + name + "'", problems);
    }
}
