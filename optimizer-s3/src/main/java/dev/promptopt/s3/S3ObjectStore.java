package dev.promptopt.s3;

import dev.promptopt.HttpRetryRules;
import dev.promptopt.InvalidInputException;
import dev.promptopt.ObjectStore;
import dev.promptopt.ObjectStoreException;
import dev.promptopt.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} in an S3 bucket (AWS S3 or any S3-compatible server: MinIO, Ceph, SAP's object
 * store, S3Proxy), through the AWS SDK v2. Keys are relative to an optional path prefix, so several stores
 * can share a bucket without seeing each other's objects. Key rules are those of the local store: empty
 * keys, absolute keys, {@code .}/{@code ..} and empty segments, backslashes and NUL are refused.
 *
 * <pre>{@code
 * S3ObjectStore store = S3ObjectStore.builder()
 *     .bucket("my-bucket").pathPrefix("prompt-optimization")
 *     .region("eu-central-1")
 *     .endpoint("https://s3.eu-central-1.amazonaws.com")     // optional: any S3-compatible server
 *     .credentialsFromEnvironment("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY") // or .staticCredentials(...); default: the SDK chain
 *     .pathStyleAccess(true)
 *     .build();
 * store.put("run-1/result.json", bytes);
 * store.describe();   // s3://my-bucket/prompt-optimization
 * }</pre>
 *
 * <p>Large objects stream: {@link #open} returns the HTTP body as it arrives, and {@link #put(String, InputStream)}
 * holds at most one part ({@link Builder#partSize}, 8 MiB by default) in memory, switching to a multipart upload
 * when the content is larger than one part. Errors name the key, the store and, for a denied access, where the
 * credentials came from (never the secret). Thread-safe; {@link #close()} releases the HTTP client when the
 * store created it.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
    /** S3's smallest part size for every part but the last. */
    static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    // Bucket names per S3's rules (3-63 chars, lower case, digits, dots, hyphens); underscores for older servers.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");

    private final S3Client client;
    private final boolean ownsClient;
    private final String bucket;
    private final String prefix; // "" or "a/b/"
    private final String credentialsSource;
    private final String endpoint;
    private final int partSize;
    private volatile boolean bucketVerified;

    private S3ObjectStore(S3Client client, boolean ownsClient, String bucket, String prefix, String credentialsSource,
                          String endpoint, int partSize) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.bucket = bucket;
        this.prefix = prefix;
        this.credentialsSource = credentialsSource;
        this.endpoint = endpoint;
        this.partSize = partSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A store over a client you built and own (you close it); {@code pathPrefix} may be empty. */
    public static S3ObjectStore of(S3Client client, String bucket, String pathPrefix) {
        return builder().client(client).bucket(bucket).pathPrefix(pathPrefix).build();
    }

    /** The bucket. */
    public String bucket() {
        return bucket;
    }

    /** The path prefix without its trailing '/', or "" for the bucket's root. */
    public String pathPrefix() {
        return prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
    }

    @Override
    public byte[] get(String key) {
        try (InputStream in = open(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read object '" + key + "' from store " + describe() + ": " + e, e);
        }
    }

    @Override
    public InputStream open(String key) {
        String full = fullKey(key);
        try {
            ResponseInputStream<GetObjectResponse> in = client.getObject(r -> r.bucket(bucket).key(full));
            return in;
        } catch (NoSuchKeyException e) {
            throw missing(key);
        } catch (SdkException e) {
            throw translate("read object '" + key + "'", e);
        }
    }

    @Override
    public void put(String key, byte[] content) {
        Objects.requireNonNull(content, "content");
        String full = fullKey(key);
        try {
            client.putObject(r -> r.bucket(bucket).key(full).contentLength((long) content.length),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw translate("write object '" + key + "'", e);
        }
        log.debug("put {} ({} bytes) in {}", key, content.length, describe());
    }

    @Override
    public void put(String key, InputStream content) {
        Objects.requireNonNull(content, "content");
        String full = fullKey(key);
        byte[] first;
        try {
            first = readPart(content);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot write object '" + key + "' to store " + describe() + ": " + e, e);
        }
        if (first.length < partSize) { // the whole object fits in one part: a plain PUT
            put(key, first);
            return;
        }
        multipartPut(key, full, first, content);
    }

    private void multipartPut(String key, String full, byte[] first, InputStream content) {
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(r -> r.bucket(bucket).key(full)).uploadId();
        } catch (SdkException e) {
            throw translate("write object '" + key + "'", e);
        }
        List<CompletedPart> parts = new ArrayList<>();
        long total = 0;
        try {
            byte[] part = first;
            while (part.length > 0) {
                int number = parts.size() + 1;
                byte[] body = part;
                String etag = client.uploadPart(r -> r.bucket(bucket).key(full).uploadId(uploadId).partNumber(number)
                        .contentLength((long) body.length), RequestBody.fromBytes(body)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                total += body.length;
                part = body.length < partSize ? new byte[0] : readPart(content);
            }
            client.completeMultipartUpload(r -> r.bucket(bucket).key(full).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (IOException | SdkException | UncheckedIOException e) {
            abort(key, full, uploadId);
            if (e instanceof SdkException sdk) {
                throw translate("write object '" + key + "'", sdk);
            }
            throw new ObjectStoreException("cannot write object '" + key + "' to store " + describe() + ": " + e, e);
        }
        log.debug("put {} ({} bytes in {} parts) in {}", key, total, parts.size(), describe());
    }

    private void abort(String key, String full, String uploadId) {
        try {
            client.abortMultipartUpload(r -> r.bucket(bucket).key(full).uploadId(uploadId));
        } catch (SdkException e) {
            // The upload failed already; an unaborted upload only costs storage until the bucket's lifecycle rule.
            log.warn("could not abort the multipart upload of '{}' in {}: {}", key, describe(), e.toString());
        }
    }

    private byte[] readPart(InputStream in) throws IOException {
        return in.readNBytes(partSize);
    }

    @Override
    public List<String> list(String keyPrefix) {
        String p = keyPrefix == null ? "" : keyPrefix;
        S3Keys.prefixProblem(p).ifPresent(why -> {
            throw new ObjectStoreException("invalid prefix '" + keyPrefix + "' for store " + describe() + ": " + why);
        });
        List<String> keys = new ArrayList<>();
        try {
            ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + p).build();
            for (S3Object o : client.listObjectsV2Paginator(request).contents()) {
                keys.add(o.key().substring(prefix.length()));
            }
        } catch (SdkException e) {
            throw translate("list prefix '" + p + "'", e);
        }
        keys.sort(null);
        return List.copyOf(keys);
    }

    @Override
    public boolean exists(String key) {
        String full = fullKey(key);
        try {
            client.headObject(r -> r.bucket(bucket).key(full));
            bucketVerified = true;
            return true;
        } catch (NoSuchKeyException e) {
            requireBucket();
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) { // HEAD has no body: a missing bucket and a missing key look alike
                requireBucket();
                return false;
            }
            throw translate("check object '" + key + "'", e);
        } catch (SdkException e) {
            throw translate("check object '" + key + "'", e);
        }
    }

    @Override
    public void delete(String key) {
        String full = fullKey(key);
        try {
            client.deleteObject(r -> r.bucket(bucket).key(full));
        } catch (NoSuchKeyException e) {
            // already gone: deleting is idempotent
        } catch (SdkException e) {
            throw translate("delete object '" + key + "'", e);
        }
    }

    /** Checks that the bucket exists and these credentials may use it; the cheapest early failure. */
    public void verifyBucket() {
        try {
            client.headBucket(r -> r.bucket(bucket));
            bucketVerified = true;
        } catch (NoSuchBucketException e) {
            throw noBucket(e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw noBucket(e);
            }
            throw translatePlain("reach bucket '" + bucket + "'", e);
        } catch (SdkException e) {
            throw translatePlain("reach bucket '" + bucket + "'", e);
        }
    }

    private void requireBucket() {
        if (!bucketVerified) {
            verifyBucket();
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + pathPrefix());
    }

    /** Where the credentials come from, for messages: never the secret. */
    public String credentialsSource() {
        return credentialsSource;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + describe() + (endpoint == null ? "" : " at " + endpoint) + "]";
    }

    private String fullKey(String key) {
        S3Keys.keyProblem(key).ifPresent(why -> {
            throw new ObjectStoreException("invalid object key '" + key + "' for store " + describe() + ": " + why);
        });
        return prefix + key;
    }

    private ObjectStoreException missing(String key) {
        return new ObjectStoreException("no object '" + key + "' in store " + describe());
    }

    private ObjectStoreException noBucket(Throwable cause) {
        return new ObjectStoreException("bucket '" + bucket + "' does not exist (store " + describe()
                + (endpoint == null ? "" : ", endpoint " + endpoint) + "): create it or fix the bucket name", cause);
    }

    /** One place that turns SDK failures into messages naming the operation, the store and the credentials. */
    private ObjectStoreException translate(String operation, SdkException e) {
        if (e instanceof SdkClientException && !bucketVerified) {
            // A server may answer a PUT to a missing bucket (or with bad credentials) before reading the body and
            // close the connection; the client then only sees a broken pipe. Ask the bucket for the real reason.
            try {
                verifyBucket();
            } catch (ObjectStoreException why) {
                why.addSuppressed(e);
                return why;
            }
        }
        return translatePlain(operation, e);
    }

    private ObjectStoreException translatePlain(String operation, SdkException e) {
        if (e instanceof NoSuchBucketException) {
            return noBucket(e);
        }
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            if ("NoSuchBucket".equals(code)) {
                return noBucket(e);
            }
            if (s3.statusCode() == 403 || s3.statusCode() == 401) {
                return new ObjectStoreException("access denied: cannot " + operation + " in bucket '" + bucket
                        + "' (store " + describe() + ") with " + credentialsSource + " (HTTP " + s3.statusCode()
                        + (code == null ? "" : ", " + code) + "): check the credentials and the bucket policy", e);
            }
            // The SDK has already retried what it retries; the status tells the caller whether a later try may help.
            boolean retriable = HttpRetryRules.retriable(s3.statusCode());
            return new ObjectStoreException("cannot " + operation + " in store " + describe() + ": HTTP " + s3.statusCode()
                    + (code == null ? "" : " " + code) + " " + Optional.ofNullable(s3.awsErrorDetails())
                    .map(d -> d.errorMessage()).orElse("") + (retriable ? " (transient: try again later)" : ""), retriable, e);
        }
        if (e instanceof SdkClientException) {
            // No answer from the server (connection refused or reset, timeout): a later try may reach it.
            return new ObjectStoreException("cannot " + operation + " in store " + describe() + ": "
                    + (endpoint == null ? "" : "endpoint " + endpoint + ": ") + e.getMessage(), true, e);
        }
        return new ObjectStoreException("cannot " + operation + " in store " + describe() + ": " + e.getMessage(), e);
    }

    /**
     * Configures an {@link S3ObjectStore}; {@link #build()} checks the values without any network call.
     *
     * <pre>{@code
     * S3ObjectStore.builder().bucket("b").region("us-east-1").endpoint("http://127.0.0.1:9000")
     *     .pathStyleAccess(true).staticCredentials("id", "secret").build();
     * }</pre>
     */
    public static final class Builder {
        private S3Client client;
        private String bucket;
        private String pathPrefix = "";
        private String region;
        private String endpoint;
        private Boolean pathStyleAccess;
        private AwsCredentialsProvider credentials;
        private String credentialsSource;
        private int partSize = DEFAULT_PART_SIZE;

        private Builder() {
        }

        /** A client you built (endpoint, region, credentials then come from it); you close it. */
        public Builder client(S3Client client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        public Builder bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        /** A folder inside the bucket that holds this store's keys, e.g. {@code prompt-optimization/dev}. */
        public Builder pathPrefix(String pathPrefix) {
            this.pathPrefix = pathPrefix == null ? "" : pathPrefix;
            return this;
        }

        /** The region, e.g. {@code eu-central-1}; default {@code us-east-1} with an endpoint, else the SDK's chain. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** An S3-compatible endpoint, e.g. {@code http://127.0.0.1:9000}; default AWS's endpoint for the region. */
        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** {@code https://host/bucket/key} instead of {@code https://bucket.host/key}; default on with an endpoint. */
        public Builder pathStyleAccess(boolean pathStyle) {
            this.pathStyleAccess = pathStyle;
            return this;
        }

        /** An access key id and secret given explicitly. */
        public Builder staticCredentials(String accessKeyId, String secretAccessKey) {
            if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
                throw new InvalidInputException("S3 static credentials need a non-blank access key id and secret access key");
            }
            Secrets.register(secretAccessKey); // scrubbed from any message or log line that echoes it
            this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
            this.credentialsSource = "static credentials (access key id " + mask(accessKeyId) + ")";
            return this;
        }

        /**
         * Credentials read now from two environment variables, e.g. SAP's object store secret exported as
         * {@code S3_ACCESS_KEY_ID} and {@code S3_SECRET_ACCESS_KEY}.
         *
         * @throws InvalidInputException naming the variable that is unset
         */
        public Builder credentialsFromEnvironment(String accessKeyIdVariable, String secretAccessKeyVariable) {
            String id = System.getenv(accessKeyIdVariable);
            String secret = System.getenv(secretAccessKeyVariable);
            List<String> problems = new ArrayList<>();
            if (id == null || id.isBlank()) {
                problems.add("environment variable " + accessKeyIdVariable + " (access key id) is not set");
            }
            if (secret == null || secret.isBlank()) {
                problems.add("environment variable " + secretAccessKeyVariable + " (secret access key) is not set");
            }
            if (!problems.isEmpty()) {
                throw InvalidInputException.of("S3 credentials for bucket '" + bucket + "'", problems);
            }
            Secrets.register(secret);
            this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
            this.credentialsSource = "credentials from environment variables " + accessKeyIdVariable + " / "
                    + secretAccessKeyVariable + " (access key id " + mask(id) + ")";
            return this;
        }

        /** Any credentials provider; {@code description} says where they come from in error messages. */
        public Builder credentials(AwsCredentialsProvider provider, String description) {
            this.credentials = Objects.requireNonNull(provider, "provider");
            this.credentialsSource = Objects.requireNonNull(description, "description");
            return this;
        }

        /** The part size of multipart uploads and the most a streamed put holds in memory (default 8 MiB, min 5 MiB). */
        public Builder partSize(int bytes) {
            this.partSize = bytes;
            return this;
        }

        /**
         * Checks every value and builds the store (and its HTTP client unless one was given).
         *
         * @throws InvalidInputException listing every bad value
         * @throws IllegalStateException when a client is given together with endpoint, region or credentials
         */
        public S3ObjectStore build() {
            List<String> problems = new ArrayList<>();
            if (bucket == null || bucket.isBlank()) {
                problems.add("bucket is missing");
            } else if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
                problems.add("bucket '" + bucket + "' is not a valid bucket name (3-63 lower-case letters, digits, '.', '-')");
            }
            String normalizedPrefix = pathPrefix.strip();
            while (normalizedPrefix.endsWith("/")) {
                normalizedPrefix = normalizedPrefix.substring(0, normalizedPrefix.length() - 1);
            }
            if (!normalizedPrefix.isEmpty()) {
                String p = normalizedPrefix;
                S3Keys.keyProblem(p).ifPresent(why -> problems.add("pathPrefix '" + pathPrefix + "': " + why));
            }
            URI endpointUri = null;
            if (endpoint != null) {
                try {
                    endpointUri = URI.create(endpoint);
                    if (endpointUri.getScheme() == null || !(endpointUri.getScheme().equals("http")
                            || endpointUri.getScheme().equals("https")) || endpointUri.getHost() == null) {
                        problems.add("endpoint '" + endpoint + "' is not an http(s) URL, e.g. https://s3.eu-central-1.amazonaws.com");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add("endpoint '" + endpoint + "' is not a URL: " + e.getMessage());
                }
            }
            if (region != null && !region.matches("[a-z0-9-]+")) {
                problems.add("region '" + region + "' is not a region name, e.g. eu-central-1");
            }
            if (partSize < MIN_PART_SIZE) {
                problems.add("partSize " + partSize + " is below S3's minimum part size " + MIN_PART_SIZE);
            }
            if (client != null && (endpoint != null || region != null || credentials != null || pathStyleAccess != null)) {
                throw new IllegalStateException("an S3Client was given together with endpoint/region/credentials/"
                        + "pathStyleAccess: configure those on the client, or let the builder create it");
            }
            if (!problems.isEmpty()) {
                throw InvalidInputException.of("S3 object store" + (bucket == null ? "" : " s3://" + bucket), problems);
            }
            String prefix = normalizedPrefix.isEmpty() ? "" : normalizedPrefix + "/";
            if (client != null) {
                return new S3ObjectStore(client, false, bucket, prefix, "the credentials of the given S3 client", null,
                        partSize);
            }
            S3ClientBuilder cb = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
            if (endpointUri != null) {
                cb.endpointOverride(endpointUri);
            }
            if (region != null) {
                cb.region(Region.of(region));
            } else if (endpointUri != null) {
                cb.region(Region.US_EAST_1); // S3-compatible servers ignore it, but the signature needs one
            }
            cb.forcePathStyle(pathStyleAccess != null ? pathStyleAccess : endpointUri != null);
            if (endpointUri != null) {
                // Since 2.30 the SDK sends CRC trailers in aws-chunked bodies by default; many S3-compatible
                // servers reject them (S3Proxy: XAmzContentSHA256Mismatch). Send checksums only where S3 requires them.
                cb.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
                cb.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            }
            String source = credentialsSource;
            if (credentials != null) {
                cb.credentialsProvider(credentials);
            } else {
                cb.credentialsProvider(DefaultCredentialsProvider.builder().build());
                source = "the AWS SDK default credentials chain (environment, system properties, profile, instance role)";
            }
            return new S3ObjectStore(cb.build(), true, bucket, prefix, source, endpoint, partSize);
        }

        private static String mask(String accessKeyId) {
            return accessKeyId.length() <= 8 ? "****" : accessKeyId.substring(0, 4) + "****"
                    + accessKeyId.substring(accessKeyId.length() - 4);
        }
    }
}
