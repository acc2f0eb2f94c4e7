package dev.promptopt.s3;

import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

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
    private final List<BiConsumer<String, String>> putListeners = new CopyOnWriteArrayList<>();

    private S3ProxyFixture() throws Exception {
        Properties props = new Properties();
        BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(props).build(BlobStoreContext.class);
        blobStore = new NotifyingBlobStore(context.getBlobStore());
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

    /**
     * Calls {@code listener} with the bucket and key of every object written from now on, once it is
     * readable; a test waits on these events instead of on time. Closing the handle removes the listener.
     */
    public AutoCloseable onPut(BiConsumer<String, String> listener) {
        putListeners.add(listener);
        return () -> putListeners.remove(listener);
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

    /** The in-memory blob store, telling the put listeners about every completed write. */
    private final class NotifyingBlobStore extends ForwardingBlobStore {
        NotifyingBlobStore(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public String putBlob(String container, Blob blob) {
            return notified(container, blob.getMetadata().getName(), super.putBlob(container, blob));
        }

        @Override
        public String putBlob(String container, Blob blob, PutOptions options) {
            return notified(container, blob.getMetadata().getName(), super.putBlob(container, blob, options));
        }

        @Override
        public String completeMultipartUpload(MultipartUpload upload, List<MultipartPart> parts) {
            return notified(upload.containerName(), upload.blobName(), super.completeMultipartUpload(upload, parts));
        }

        private String notified(String container, String key, String etag) {
            putListeners.forEach(l -> l.accept(container, key));
            return etag;
        }
    }
}
