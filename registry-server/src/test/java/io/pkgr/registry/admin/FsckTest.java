package io.pkgr.registry.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.registry.catalog.StoreCatalogRecords;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.FileSystemBlobStoreProvider;
import io.pkgr.registry.storage.StoragePaths;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fsck on a real filesystem store with the file catalog. */
class FsckTest {

    @TempDir
    Path dir;

    @Test
    void aLayeredVersionsStoredWholeFileIsCheckedWhenPresentAndNeverListedAsUnreferenced() throws IOException {
        BlobStore store = FileSystemBlobStoreProvider.openExisting(dir);
        StoreCatalogRecords records = new StoreCatalogRecords(store);
        Sha256 files = put(store, "files layer");
        byte[] whole = "the assembled whole file".getBytes(StandardCharsets.UTF_8);
        Sha256 assembled = Sha256.ofBytes(whole);
        records.insertVersion(new VersionRecord(new BundleName("churn"), Version.parse("1.0.0"), assembled, whole.length,
                null, new VersionRecord.Layers(new VersionRecord.Blob(files, 11), false), "alice",
                Instant.parse("2026-06-01T00:00:00Z"), false, null, null));

        // given no stored whole file: nothing to report
        FsckReport absent = new Fsck(store, false).run(records.load());
        put(store, "the assembled whole file");
        FsckReport present = new Fsck(store, false).run(records.load());
        byte[] rotten = whole.clone();
        rotten[3] ^= 1;
        Files.write(dir.resolve(StoragePaths.blob(assembled).toString()), rotten);
        FsckReport corrupt = new Fsck(store, false).run(records.load());

        assertEquals(List.of(), absent.problems());
        assertEquals(List.of(), absent.unreferenced());
        assertEquals(List.of(), present.problems());
        assertEquals(List.of(), present.unreferenced());
        assertEquals(2, present.blobsChecked());
        assertEquals(1, corrupt.problems().size(), corrupt.problems().toString());
        assertTrue(corrupt.problems().get(0).contains("churn 1.0.0 (assembled whole file)")
                && corrupt.problems().get(0).contains("has other bytes"), corrupt.problems().toString());
    }

    private static Sha256 put(BlobStore store, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Sha256 sha = Sha256.ofBytes(bytes);
        store.putIfAbsent(StoragePaths.blob(sha), new ByteArrayInputStream(bytes));
        return sha;
    }
}
