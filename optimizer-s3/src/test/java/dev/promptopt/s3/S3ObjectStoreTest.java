package dev.promptopt.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.promptopt.HttpRetryRules;
import dev.promptopt.InvalidInputException;
import dev.promptopt.ObjectStore;
import dev.promptopt.ObjectStoreException;
import dev.promptopt.testing.ObjectStoreContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class S3ObjectStoreTest extends ObjectStoreContract {
    private static final String BUCKET = "contract";
    private final List<S3ObjectStore> opened = new ArrayList<>();
    private String prefix;

    @Override
    protected ObjectStore newStore() {
        prefix = "test-" + UUID.randomUUID();
        return track(S3ProxyFixture.get().store(BUCKET, prefix));
    }

    @Override
    protected List<String> keysThatMustBeRefused() {
        List<String> keys = new ArrayList<>(super.keysThatMustBeRefused());
        keys.addAll(List.of("a//b", "a\\b", "a/", "./a", "a/./b", "a/..", "x\0y"));
        return keys;
    }

    @Override
    protected long bytesBeforeAFailingStreamBreaks() {
        // Past the first part, so the failure aborts a multipart upload already under way.
        return S3ObjectStore.DEFAULT_PART_SIZE + 1024L * 1024;
    }

    private S3ObjectStore track(S3ObjectStore s) {
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(S3ObjectStore::close);
    }

    @Test
    void describeIsS3BucketAndPrefix() {
        assertThat(store.describe()).isEqualTo("s3://" + BUCKET + "/" + prefix);
        S3ObjectStore root = track(S3ProxyFixture.get().store(BUCKET, ""));
        assertThat(root.describe()).isEqualTo("s3://" + BUCKET);
        S3ObjectStore slashes = track(S3ProxyFixture.get().store(BUCKET, "a/b/"));
        assertThat(slashes.describe()).isEqualTo("s3://" + BUCKET + "/a/b");
    }

    @Test
    void aMissingBucketIsReportedAsSuchByEveryOperation() {
        S3ObjectStore missing = track(S3ProxyFixture.get().builder("no-such-bucket", "p")
                .staticCredentials(S3ProxyFixture.ACCESS_KEY, S3ProxyFixture.SECRET_KEY).build());

        for (Runnable op : List.<Runnable>of(() -> missing.get("a.json"), () -> missing.put("a.json", new byte[1]),
                () -> missing.list(""), () -> missing.exists("a.json"), missing::verifyBucket)) {
            assertThatThrownBy(op::run)
                    .isInstanceOf(ObjectStoreException.class)
                    .hasMessageContaining("bucket 'no-such-bucket' does not exist (store s3://no-such-bucket/p, endpoint "
                            + S3ProxyFixture.get().endpoint() + ")");
        }
    }

    @Test
    void aWrongSecretIsAnAccessDeniedNamingTheBucketAndTheCredentialsSourceButNotTheSecret() {
        S3ObjectStore denied = track(S3ProxyFixture.get().builder(BUCKET, prefix)
                .staticCredentials(S3ProxyFixture.ACCESS_KEY, "wrong-secret-value").build());

        for (Runnable op : List.<Runnable>of(() -> denied.get("a.json"), () -> denied.put("a.json", new byte[1]),
                () -> denied.list(""), () -> denied.exists("a.json"))) {
            assertThatThrownBy(op::run)
                    .isInstanceOf(ObjectStoreException.class)
                    .hasMessageContaining("access denied")
                    .hasMessageContaining("bucket '" + BUCKET + "'")
                    .hasMessageContaining("static credentials (access key id test****-key)")
                    .hasMessageContaining("HTTP 403")
                    .satisfies(e -> assertThat(((ObjectStoreException) e).retriable()).isFalse())
                    .hasMessageNotContaining("wrong-secret-value")
                    .hasMessageNotContaining(S3ProxyFixture.SECRET_KEY);
        }
    }

    @Test
    void aThrottlingOrFailingServerIsRetriableAndAClientErrorIsNot() throws IOException {
        for (int status : new int[] {503, 500, 400, 409}) {
            HttpServer stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            stub.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>Status" + status
                        + "</Code><Message>scripted " + status + "</Message></Error>").getBytes(UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/xml");
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            stub.start();
            try (S3ObjectStore failing = S3ObjectStore.builder().endpoint("http://127.0.0.1:" + stub.getAddress().getPort())
                    .region("us-east-1").bucket("bucket-one").pathStyleAccess(true)
                    .staticCredentials(S3ProxyFixture.ACCESS_KEY, S3ProxyFixture.SECRET_KEY).build()) {
                assertThatThrownBy(() -> failing.get("a.json")).as("HTTP %d", status)
                        .isInstanceOfSatisfying(ObjectStoreException.class,
                                e -> assertThat(e.retriable()).isEqualTo(HttpRetryRules.retriable(status)))
                        .hasMessageContaining("HTTP " + status)
                        .hasMessageContaining("a.json");
            } finally {
                stub.stop(0);
            }
        }
    }

    @Test
    void anUnreachableEndpointIsRetriable() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (S3ObjectStore down = S3ObjectStore.builder().endpoint("http://127.0.0.1:" + port).region("us-east-1")
                .bucket("bucket-one").pathStyleAccess(true).staticCredentials(S3ProxyFixture.ACCESS_KEY, S3ProxyFixture.SECRET_KEY)
                .build()) {
            assertThatThrownBy(() -> down.get("a.json"))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retriable()).isTrue());
        }
    }

    @Test
    void anUnknownAccessKeyIsDeniedToo() {
        S3ObjectStore denied = track(S3ProxyFixture.get().builder(BUCKET, prefix)
                .staticCredentials("someone-else", "whatever-secret").build());

        assertThatThrownBy(() -> denied.get("a.json"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("access denied")
                .hasMessageContaining("access key id some****else");
    }

    @Test
    void storesWithDifferentPrefixesInOneBucketDoNotSeeEachOther() {
        S3ObjectStore a = track(S3ProxyFixture.get().store("shared", "tenant-a"));
        S3ObjectStore ab = track(S3ProxyFixture.get().store("shared", "tenant-ab"));
        S3ObjectStore root = track(S3ProxyFixture.get().store("shared", ""));
        a.put("x.json", "a".getBytes(UTF_8));
        ab.put("x.json", "ab".getBytes(UTF_8));

        assertThat(a.list("")).containsExactly("x.json");
        assertThat(ab.list("")).containsExactly("x.json");
        assertThat(new String(a.get("x.json"), UTF_8)).isEqualTo("a");
        assertThat(root.list("")).contains("tenant-a/x.json", "tenant-ab/x.json");
        a.delete("x.json");
        assertThat(ab.exists("x.json")).isTrue();
    }

    @Test
    void listPaginatesOverMoreThanOnePage() {
        // S3Proxy pages at 1000 keys, like S3.
        for (int i = 0; i < 1005; i++) {
            store.put(String.format("many/%04d", i), new byte[0]);
        }

        List<String> keys = store.list("many/");

        assertThat(keys).hasSize(1005).isSorted();
        assertThat(keys.get(0)).isEqualTo("many/0000");
        assertThat(keys.get(1004)).isEqualTo("many/1004");
    }

    @Test
    void aTwentyMegabyteStreamIsUploadedInPartsAndStreamedBack() throws Exception {
        long size = 20L * 1024 * 1024 + 123;
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        store.put("big/20mb.bin", new GeneratedStream(size, written));

        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long count = 0;
        try (InputStream in = store.open("big/20mb.bin")) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                read.update(buf, 0, n);
                count += n;
            }
        }
        assertThat(count).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(read.digest())).isEqualTo(HexFormat.of().formatHex(written.digest()));
        assertThat(store.list("big/")).containsExactly("big/20mb.bin");
    }

    @Test
    void aStreamOfExactlyOnePartRoundTrips() throws Exception {
        byte[] content = new byte[S3ObjectStore.DEFAULT_PART_SIZE];
        new java.util.Random(7).nextBytes(content);
        store.put("one-part.bin", new java.io.ByteArrayInputStream(content));
        assertThat(store.get("one-part.bin")).isEqualTo(content);
    }

    @Test
    void theBuilderListsEveryBadValue() {
        assertThatThrownBy(() -> S3ObjectStore.builder().bucket("Bad_Bucket!").pathPrefix("a//b").endpoint("ftp://x")
                .region("EU Central").partSize(1024).build())
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).problems()).containsExactly(
                        "bucket 'Bad_Bucket!' is not a valid bucket name (3-63 lower-case letters, digits, '.', '-')",
                        "pathPrefix 'a//b': empty segments ('//' or a trailing '/') are not allowed",
                        "endpoint 'ftp://x' is not an http(s) URL, e.g. https://s3.eu-central-1.amazonaws.com",
                        "region 'EU Central' is not a region name, e.g. eu-central-1",
                        "partSize 1024 is below S3's minimum part size 5242880"));
        assertThatThrownBy(() -> S3ObjectStore.builder().build())
                .hasMessageContaining("bucket is missing");
    }

    @Test
    void credentialsFromUnsetEnvironmentVariablesAreRefusedNamingTheVariables() {
        assertThatThrownBy(() -> S3ObjectStore.builder().bucket("bucket-one").credentialsFromEnvironment(
                "PROMPTOPT_TEST_UNSET_ID", "PROMPTOPT_TEST_UNSET_SECRET"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("environment variable PROMPTOPT_TEST_UNSET_ID (access key id) is not set")
                .hasMessageContaining("environment variable PROMPTOPT_TEST_UNSET_SECRET (secret access key) is not set");
    }

    /** Deterministic pseudo-random bytes of a given length, hashed as they are read; never held in memory. */
    private static final class GeneratedStream extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private final java.util.Random random = new java.util.Random(42);
        private long pos;

        GeneratedStream(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, b, off, n);
            digest.update(chunk);
            pos += n;
            return n;
        }
    }
}
