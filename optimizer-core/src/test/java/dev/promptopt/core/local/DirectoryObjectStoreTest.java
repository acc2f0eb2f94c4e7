package dev.promptopt.core.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptopt.ObjectStore;
import dev.promptopt.ObjectStoreException;
import dev.promptopt.testing.ObjectStoreContract;
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
    void aKeyWithParentSegmentsWritesNothingOutsideTheRoot() {
        assertThatThrownBy(() -> store.put("../x", new byte[1])).isInstanceOf(ObjectStoreException.class);
        assertThat(Files.exists(dir.resolve("x"))).isFalse();
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
    void writesLeaveNoTemporaryFilesEvenWhenAStreamFails() throws Exception {
        store.put("a/one.bin", new byte[] {1});
        store.put("a/one.bin", new byte[] {2});
        store.put("a/two.bin", new ByteArrayInputStream(new byte[1000]));
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> store.put("a/two.bin", failing)).isInstanceOf(ObjectStoreException.class);

        try (Stream<Path> files = Files.walk(root())) {
            assertThat(files.filter(Files::isRegularFile).map(p -> root().relativize(p).toString().replace('\\', '/')))
                    .containsExactlyInAnyOrder("a/one.bin", "a/two.bin");
        }
    }

    @Test
    void listSkipsTemporaryFilesLeftByACrash() throws Exception {
        store.put("a/one.bin", new byte[] {1});
        Files.write(root().resolve("a/.promptopt-tmp-one.bin-123.tmp"), new byte[] {9});

        assertThat(store.list("")).containsExactly("a/one.bin");
    }
}
