package io.pkgr.registry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreProviderTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownSchemeNamesTheBackendsThisInstallationHas() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlobStoreProvider.openStore(new StorageLocation("gs://bucket", dir, null, null, false)));

        assertTrue(e.getMessage().startsWith("no storage backend for scheme 'gs' (this installation has: "), e.getMessage());
        assertTrue(e.getMessage().contains("file"), e.getMessage());
    }

    @Test
    void aFileUriPutsTheStoreInThatDirectoryInsteadOfTheDataDirectory() throws IOException {
        Path elsewhere = dir.resolve("elsewhere");
        StorageLocation location = new StorageLocation(elsewhere.toUri().toString(), dir.resolve("data"), null, null, false);

        try (BlobStore store = BlobStoreProvider.openStore(location)) {
            store.putIfAbsent(RepoPath.of("blobs/x"), new ByteArrayInputStream(new byte[] {1}));
        }

        assertTrue(Files.isRegularFile(elsewhere.resolve("blobs/x")));
        assertEquals(false, Files.exists(dir.resolve("data/blobs")));
    }
}
