package dev.promptopt.s3;

import java.net.URI;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-protocol server in this JVM: S3Proxy over jclouds' in-memory ("transient") blob store, on a
 * free loopback port, with AWS V2/V4 signature checking. Started once per test JVM, stopped at exit.
 *
 * <pre>{@code
 * S3ProxyFixture s3 = S3ProxyFixture.get();
 * S3ObjectStore store = s3.store("bucket", "prefix");
 * }</pre>
 */
public final class S3ProxyFixture {
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";
    private static S3ProxyFixture instance;

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final String endpoint;

    private S3ProxyFixture() throws Exception {
        Properties props = new Properties();
        BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(props).build(BlobStoreContext.class);
        blobStore = context.getBlobStore();
        proxy = S3Proxy.builder().blobStore(blobStore).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
        endpoint = "http://127.0.0.1:" + proxy.getPort();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.stop();
            } catch (Exception e) {
                // the JVM is exiting; nothing to clean up beyond the port
            }
            context.close();
        }));
    }

    /** The shared server, started on first use. */
    public static synchronized S3ProxyFixture get() {
        if (instance == null) {
            try {
                instance = new S3ProxyFixture();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start S3Proxy", e);
            }
        }
        return instance;
    }

    public String endpoint() {
        return endpoint;
    }

    /** Creates a bucket (no-op when it exists). */
    public void createBucket(String name) {
        blobStore.createContainerInLocation(null, name);
    }

    /** A store with the right credentials; the bucket is created. */
    public S3ObjectStore store(String bucket, String prefix) {
        createBucket(bucket);
        return builder(bucket, prefix).staticCredentials(ACCESS_KEY, SECRET_KEY).build();
    }

    /** A builder pointed at this server, without credentials. */
    public S3ObjectStore.Builder builder(String bucket, String prefix) {
        return S3ObjectStore.builder().endpoint(endpoint).region("us-east-1").bucket(bucket).pathPrefix(prefix)
                .pathStyleAccess(true);
    }
}
