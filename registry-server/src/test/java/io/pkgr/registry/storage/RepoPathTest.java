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
        Files.writeString(root.resolve("bundles/x/.def.part"), "half");

        FileSystemBlobStore.open(root);

        assertEquals(false, Files.exists(root.resolve(".tmp/.abc.part")));
        assertEquals(false, Files.exists(root.resolve("bundles/x/.def.part")));
    }
}
