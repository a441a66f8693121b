package io.pkgr.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one write-then-rename: whole files or none, replace or put-if-absent, no temp left behind. */
class AtomicFilesTest {

    @Test
    void aWriteReplacesTheTargetWithTheGivenModeAndLeavesNoTemp(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("record.json");
        Files.writeString(target, "old");

        AtomicFiles.write(target, "rw-------", "new".getBytes());

        assertEquals("new", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals(1, count(dir));
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndLeavesNoTemp(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("record.json");
        Files.writeString(target, "old");

        assertThrows(IOException.class, () -> AtomicFiles.write(target, "rw-r--r--", tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));

        assertEquals("old", Files.readString(target));
        assertEquals(1, count(dir));
    }

    @Test
    void linkingOverAnExistingFileIsRefusedAndChangesNothing(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("blob");
        Files.writeString(target, "first");
        Path temp = dir.resolve(".x" + AtomicFiles.TEMP_SUFFIX);
        Files.writeString(temp, "second");

        assertFalse(AtomicFiles.linkIfAbsent(temp, target));
        assertEquals("first", Files.readString(target));

        Path fresh = dir.resolve("other");
        assertTrue(AtomicFiles.linkIfAbsent(temp, fresh));
        assertEquals("second", Files.readString(fresh));
    }

    @Test
    void renamingATreeOntoAnExistingOneIsRefused(@TempDir Path dir) throws IOException {
        Path tree = Files.createDirectories(dir.resolve(".tree.partial"));
        Files.writeString(tree.resolve("a"), "a");
        Path target = Files.createDirectories(dir.resolve("tree"));

        assertThrows(FileAlreadyExistsException.class, () -> AtomicFiles.renameIfAbsent(tree, target));
        assertTrue(Files.exists(tree.resolve("a")));
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
