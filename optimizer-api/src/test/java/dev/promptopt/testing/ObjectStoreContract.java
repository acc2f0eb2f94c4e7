package dev.promptopt.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ObjectStore;
import dev.promptopt.ObjectStoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ObjectStore} shares. An implementation's test extends this and
 * supplies an empty store (a fresh folder, a fresh bucket prefix):
 *
 * <pre>{@code
 * class S3ObjectStoreTest extends ObjectStoreContract {
 *     protected ObjectStore newStore() { return S3ObjectStore.of(client, "bucket", "test-" + UUID.randomUUID()); }
 * }
 * }</pre>
 */
public abstract class ObjectStoreContract {

    protected ObjectStore store;

    /** An empty store to test; each test gets a new one. */
    protected abstract ObjectStore newStore();

    /**
     * Keys this store must refuse because they would escape it. Stores where some of these are
     * legal names may override; extend the list with keys specific to the store.
     */
    protected List<String> keysThatMustBeRefused() {
        return List.of("../x", "a/../../x", "/etc/passwd", "");
    }

    /**
     * How many bytes a failing upload delivers before it breaks. Stores that upload in parts override
     * it so that the failure falls after the first part has gone out.
     */
    protected long bytesBeforeAFailingStreamBreaks() {
        return 100;
    }

    /**
     * Asserts that every operation refuses the key with an {@link ObjectStoreException} naming the key
     * and the store. Subclasses call it for their own extra cases.
     */
    protected void assertRefused(ObjectStore store, String key) {
        assertRefusedBy(() -> store.put(key, "x".getBytes(UTF_8)), store, key, "put");
        assertRefusedBy(() -> store.put(key, new ByteArrayInputStream(new byte[1])), store, key, "put(stream)");
        assertRefusedBy(() -> store.get(key), store, key, "get");
        assertRefusedBy(() -> store.open(key).close(), store, key, "open");
        assertRefusedBy(() -> store.exists(key), store, key, "exists");
        assertRefusedBy(() -> store.delete(key), store, key, "delete");
    }

    private static void assertRefusedBy(ThrowingCallable call, ObjectStore store, String key, String operation) {
        assertThatThrownBy(call)
                .as("%s of key '%s'", operation, key)
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("'" + key + "'")
                .hasMessageContaining(store.describe());
    }

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    @Test
    void putThenGetReturnsTheSameBytes() {
        store.put("run-1/result.json", "{\"score\": 0.8}".getBytes(UTF_8));

        assertThat(new String(store.get("run-1/result.json"), UTF_8)).isEqualTo("{\"score\": 0.8}");
    }

    @Test
    void putReplacesAnExistingObject() {
        store.put("a.txt", "first, and longer".getBytes(UTF_8));
        store.put("a.txt", "second".getBytes(UTF_8));

        assertThat(new String(store.get("a.txt"), UTF_8)).isEqualTo("second");
    }

    @Test
    void emptyObjectRoundTrips() {
        store.put("empty", new byte[0]);

        assertThat(store.exists("empty")).isTrue();
        assertThat(store.get("empty")).isEmpty();
    }

    @Test
    void listReturnsKeysWithThePrefixSorted() {
        for (String key : List.of("c.txt", "b/y.txt", "a.txt", "b/x.txt", "ba.txt", "b/deep/z.txt")) {
            store.put(key, key.getBytes(UTF_8));
        }

        assertThat(store.list("b/")).containsExactly("b/deep/z.txt", "b/x.txt", "b/y.txt");
        assertThat(store.list("b")).containsExactly("b/deep/z.txt", "b/x.txt", "b/y.txt", "ba.txt");
        assertThat(store.list("b/x")).containsExactly("b/x.txt");
        assertThat(store.list("")).containsExactly("a.txt", "b/deep/z.txt", "b/x.txt", "b/y.txt", "ba.txt", "c.txt");
    }

    @Test
    void listOfAPrefixWithNoObjectsIsEmpty() {
        store.put("a.txt", new byte[] {1});

        assertThat(store.list("nothing/here/")).isEmpty();
    }

    @Test
    void existsFollowsPutAndDelete() {
        assertThat(store.exists("k/v.bin")).isFalse();
        store.put("k/v.bin", new byte[] {1, 2, 3});
        assertThat(store.exists("k/v.bin")).isTrue();
        store.delete("k/v.bin");
        assertThat(store.exists("k/v.bin")).isFalse();
        assertThat(store.list("k/")).isEmpty();
    }

    @Test
    void deleteIsIdempotent() {
        store.put("x.bin", new byte[] {1});

        store.delete("x.bin");
        store.delete("x.bin");
        store.delete("never/was.bin");

        assertThat(store.exists("x.bin")).isFalse();
    }

    @Test
    void getOfAMissingKeyFailsNamingTheKeyAndTheStore() {
        assertThatThrownBy(() -> store.get("a/b.json"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("no object 'a/b.json' in store " + store.describe());
        assertThatThrownBy(() -> store.open("a/b.json").close())
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("'a/b.json'")
                .hasMessageContaining(store.describe());
        assertThat(store.exists("a/b.json")).isFalse();
    }

    @Test
    void streamedPutAndOpenOfAFiveMegabyteObjectRoundTrip() throws Exception {
        byte[] content = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(content);

        store.put("big/blob.bin", new ByteArrayInputStream(content));

        byte[] read;
        try (InputStream in = store.open("big/blob.bin")) {
            read = in.readAllBytes();
        }
        assertThat(read).isEqualTo(content);
        assertThat(store.get("big/blob.bin")).isEqualTo(content);
        assertThat(store.list("big/")).containsExactly("big/blob.bin");
    }

    @Test
    void keysThatWouldEscapeTheStoreAreRefused() {
        for (String key : keysThatMustBeRefused()) {
            assertRefused(store, key);
        }
    }

    @Test
    void aRefusedKeyNamesTheKeyTheStoreAndTheRule() {
        String forStore = "' for store " + store.describe() + ": ";
        assertThatThrownBy(() -> store.put("../x", new byte[1]))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key '../x" + forStore + "'..' segments are not allowed");
        assertThatThrownBy(() -> store.get("/etc/passwd"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key '/etc/passwd" + forStore
                        + "absolute keys are not allowed, keys are relative to the store");
        assertThatThrownBy(() -> store.put("a//b", new byte[1]))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key 'a//b" + forStore
                        + "empty segments ('//' or a trailing '/') are not allowed");
        assertThatThrownBy(() -> store.put("a\\b", new byte[1]))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key 'a\\b" + forStore
                        + "backslashes are not allowed, use '/' to separate folders");
        assertThatThrownBy(() -> store.put("", new byte[1]))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key '" + forStore + "the key is empty");
    }

    @Test
    void aPrefixThatWouldEscapeTheStoreIsRefused() {
        assertThatThrownBy(() -> store.list("../"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("invalid prefix '../' for store " + store.describe());
        assertThatThrownBy(() -> store.list("a/../"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("invalid prefix 'a/../'");
        assertThatThrownBy(() -> store.list("/etc"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("invalid prefix '/etc'")
                .hasMessageContaining("absolute prefixes are not allowed");
    }

    @Test
    void aFailingStreamLeavesThePreviousObjectInPlace() {
        store.put("a.bin", "old".getBytes(UTF_8));
        long limit = bytesBeforeAFailingStreamBreaks();
        InputStream failing = new InputStream() {
            private long served;

            @Override
            public int read() throws IOException {
                if (served++ >= limit) {
                    throw new IOException("connection reset");
                }
                return 'x';
            }
        };

        assertThatThrownBy(() -> store.put("a.bin", failing))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("cannot write object 'a.bin'")
                .hasMessageContaining("connection reset");
        assertThat(new String(store.get("a.bin"), UTF_8)).isEqualTo("old");
        assertThat(store.list("")).containsExactly("a.bin");
    }

    @Test
    void concurrentWritersOfOneKeyLeaveOneWholeObject() throws Exception {
        int writers = 4;
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            byte[] content = new byte[256 * 1024];
            Arrays.fill(content, (byte) ('a' + i));
            contents.add(content);
        }
        List<Future<?>> done = runTogether(writers, i -> store.put("shared.bin", contents.get(i)));
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }

        byte[] read = store.get("shared.bin");
        assertThat(contents).as("the object is one writer's whole content, never a mix")
                .anySatisfy(c -> assertThat(read).isEqualTo(c));
        assertThat(store.list("")).containsExactly("shared.bin");
    }

    @Test
    void concurrentWritersOfDifferentKeysAllLand() throws Exception {
        int writers = 8;
        List<Future<?>> done = runTogether(writers,
                i -> store.put("w/" + i + ".txt", ("writer " + i).getBytes(UTF_8)));
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }

        assertThat(store.list("w/")).hasSize(writers);
        for (int i = 0; i < writers; i++) {
            assertThat(new String(store.get("w/" + i + ".txt"), UTF_8)).isEqualTo("writer " + i);
        }
    }

    /** Starts {@code n} tasks that wait on one latch, so they reach the store together. */
    private static List<Future<?>> runTogether(int n, java.util.function.IntConsumer task) {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int id = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    task.accept(id);
                    return null;
                }));
            }
            start.countDown();
        } finally {
            pool.shutdown();
        }
        return futures;
    }

    @Test
    void describeNamesTheStore() {
        assertThat(store.describe()).isNotBlank();
    }
}
