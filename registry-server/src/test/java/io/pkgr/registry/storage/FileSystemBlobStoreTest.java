package io.pkgr.registry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path root;

    @Override
    protected BlobStore openStore() throws IOException {
        return BlobStoreProvider.openStore(StorageLocation.of(root));
    }

    @Test
    void aStagedTempFileIsGoneOnceTheHandleIsClosedCommittedOrNot() throws IOException {
        StagedBlob discarded = store.stage(new ByteArrayInputStream(new byte[] {1, 2}), 100);
        StagedBlob committed = store.stage(new ByteArrayInputStream(new byte[] {3}), 100);
        committed.commitIfAbsent(RepoPath.of("blobs/kept"));

        discarded.close();
        committed.close();

        assertEquals(List.of(root.resolve("blobs/kept")), regularFiles());
    }

    @Test
    void itTellsWhetherItsFileSystemSeparatesCaseAndLeavesNoProbeBehind() throws IOException {
        // what the file system here does, found without the store: two names that differ in case
        Path upper = Files.createFile(root.resolve("Probe-Of-The-Test"));
        boolean separate = !Files.exists(root.resolve("probe-of-the-test"));
        Files.delete(upper);

        assertEquals(separate, store.caseSensitive());
        assertEquals(separate, store.caseSensitive(), "asked again");
        assertEquals(List.of(), regularFiles());
    }

    private List<Path> regularFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
