package dev.promptopt.core.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ObjectStore;
import dev.promptopt.ObjectStoreException;
import dev.promptopt.core.contract.ObjectStoreContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryObjectStoreTest extends ObjectStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ObjectStore newStore() {
        return new DirectoryObjectStore(dir.resolve("store"));
    }

    @Override
    protected List<String> keysThatMustBeRefused() {
        List<String> keys = new ArrayList<>(super.keysThatMustBeRefused());
        keys.addAll(List.of("a//b", "a\\b", "a/", "./a", "a/./b", ".promptopt-tmp-x"));
        return keys;
    }

    private Path root() {
        return dir.resolve("store").toAbsolutePath();
    }

    @Test
    void describeIsFileColonAndTheAbsoluteRoot() {
        assertThat(store.describe()).isEqualTo("file:" + root());
    }

    @Test
    void keysAreFilesUnderTheRoot() throws Exception {
        store.put("run-1/result.json", "{}".getBytes(UTF_8));

        assertThat(Files.readString(root().resolve("run-1/result.json"))).isEqualTo("{}");
    }

    @Test
    void parentSegmentsAreRefusedNamingKeyAndStore() {
        assertThatThrownBy(() -> store.put("../x", new byte[1]))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key '../x' for store file:" + root() + ": '..' segments are not allowed");
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
    }

    @Test
    void absoluteKeysAreRefused() {
        assertThatThrownBy(() -> store.get("/etc/passwd"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key '/etc/passwd' for store file:" + root()
                        + ": absolute keys are not allowed, keys are relative to the store");
    }

    @Test
    void emptySegmentsAreRefused() {
        assertThatThrownBy(() -> store.put("a//b", new byte[1]))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key 'a//b' for store file:" + root()
                        + ": empty segments ('//' or a trailing '/') are not allowed");
    }

    @Test
    void backslashesAreRefused() {
        assertThatThrownBy(() -> store.put("a\\b", new byte[1]))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key 'a\\b' for store file:" + root()
                        + ": backslashes are not allowed, use '/' to separate folders");
    }

    @Test
    void theEmptyKeyIsRefused() {
        assertThatThrownBy(() -> store.put("", new byte[1]))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("invalid object key '' for store file:" + root() + ": the key is empty");
    }

    @Test
    void aPrefixThatWouldEscapeTheStoreIsRefused() {
        assertThatThrownBy(() -> store.list("../"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("invalid prefix '../'");
        assertThatThrownBy(() -> store.list("/etc"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("invalid prefix '/etc'")
                .hasMessageContaining("absolute prefixes are not allowed");
    }

    @Test
    void missingKeyMessageNamesKeyAndStore() {
        assertThatThrownBy(() -> store.get("a/b.json"))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessage("no object 'a/b.json' in store file:" + root());
    }

    @Test
    void aFolderIsNotAnObject() {
        store.put("a/b.json", new byte[1]);

        assertThat(store.exists("a")).isFalse();
        assertThatThrownBy(() -> store.get("a")).hasMessage("no object 'a' in store file:" + root());
        assertThatThrownBy(() -> store.put("a", new byte[1]))
                .isInstanceOf(ObjectStoreException.class)
                .hasMessageContaining("it is a folder holding other objects");
        store.delete("a");
        assertThat(store.exists("a/b.json")).isTrue();
    }

    @Test
    void writesLeaveNoTemporaryFiles() throws Exception {
        store.put("a/one.bin", new byte[] {1});
        store.put("a/one.bin", new byte[] {2});
        store.put("a/two.bin", new ByteArrayInputStream(new byte[1000]));

        try (Stream<Path> files = Files.walk(root())) {
            assertThat(files.filter(Files::isRegularFile).map(p -> root().relativize(p).toString().replace('\\', '/')))
                    .containsExactlyInAnyOrder("a/one.bin", "a/two.bin");
        }
    }

    @Test
    void aFailedStreamedPutKeepsThePreviousObjectAndLeavesNoTemporaryFile() throws Exception {
        store.put("a.bin", "old".getBytes(UTF_8));
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                if (served++ > 100) {
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
        try (Stream<Path> files = Files.list(root())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.bin");
        }
    }

    @Test
    void listSkipsTemporaryFilesLeftByACrash() throws Exception {
        store.put("a/one.bin", new byte[] {1});
        Files.write(root().resolve("a/.promptopt-tmp-one.bin-123.tmp"), new byte[] {9});

        assertThat(store.list("")).containsExactly("a/one.bin");
    }
}
