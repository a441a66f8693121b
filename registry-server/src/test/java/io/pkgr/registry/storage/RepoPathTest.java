package io.pkgr.registry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepoPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "a/../b", "./a", "a/./b", "/abs", "a//b", "a/", "a\\b", "a\u0000b", "c:/x",
        ".hidden", "a/.tmp", "é", "a b"})
    void unsafePathsCannotBeConstructed(String value) {
        assertThrows(IllegalArgumentException.class, () -> RepoPath.of(value));
    }

    @Test
    void overlongPathsCannotBeConstructed() {
        assertThrows(IllegalArgumentException.class, () -> RepoPath.of("a".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> RepoPath.of(("abcdefghi/").repeat(103) + "x"));
    }

    @Test
    void layoutPathsAreValid() {
        assertEquals("bundles/churn-model/1.4.0+build.1.json", RepoPath.of("bundles", "churn-model", "1.4.0+build.1.json").value());
    }

    @Test
    void startUpSweepsTempFilesACrashLeftBehind(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve(".tmp"));
        Files.writeString(root.resolve(".tmp/.abc.part"), "half");
        Files.createDirectories(root.resolve("bundles/x"));
        Path record = Files.writeString(root.resolve("bundles/x/.def.part"), "half");
        Files.setLastModifiedTime(record, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));

        FileSystemBlobStore.open(root);

        // staged uploads before the store is used; a record write's temp file in the background soon after start
        assertEquals(false, Files.exists(root.resolve(".tmp/.abc.part")));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (Files.exists(record) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(false, Files.exists(record), "the background sweep removed it");
    }
}
