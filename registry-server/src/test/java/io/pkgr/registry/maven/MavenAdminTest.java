package io.pkgr.registry.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.registry.TestRegistry;
import io.pkgr.registry.admin.Fsck;
import io.pkgr.registry.admin.FsckReport;
import io.pkgr.registry.admin.Migration;
import io.pkgr.registry.admin.MigrationReport;
import io.pkgr.registry.catalog.StoreCatalogRecords;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobStoreProvider;
import io.pkgr.registry.storage.StorageLocation;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pkgr admin fsck and migrate know the Maven face's records: its blobs are referenced, its records copied. */
class MavenAdminTest {

    @TempDir
    Path dir;

    @Test
    void fsckCountsMavenBlobsAsReferencedAndMigrateCopiesTheRecords() throws Exception {
        Path data = dir.resolve("data");
        try (TestRegistry registry = TestRegistry.start(data, c -> c)) {
            assertEquals(201, registry.send(registry.request("/maven/com/example/lib/1.0/lib-1.0.jar", TestRegistry.ADMIN)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(MavenFaceTest.JAR)).build()).statusCode());
        }
        try (BlobStore source = BlobStoreProvider.openStore(StorageLocation.of(data));
             BlobStore target = BlobStoreProvider.openStore(StorageLocation.of(dir.resolve("copy")))) {
            FsckReport fsck = new Fsck(source, false).run(new StoreCatalogRecords(source).load());
            assertTrue(fsck.problems().isEmpty(), fsck.problems().toString());
            assertTrue(fsck.unreferenced().isEmpty(), fsck.unreferenced().toString());
            assertEquals(1, fsck.records());

            MigrationReport migration = new Migration(source, target, new StoreCatalogRecords(target), line -> { })
                    .run(new StoreCatalogRecords(source).load());
            assertEquals(1, migration.recordsWritten(), migration.toString());
        }
        try (TestRegistry copy = TestRegistry.start(dir.resolve("copy"), c -> c)) {
            byte[] served = copy.getBytes(copy.request("/maven/com/example/lib/1.0/lib-1.0.jar", TestRegistry.ADMIN)
                    .GET().build()).body();
            assertArrayEquals(MavenFaceTest.JAR, served);
        }
    }

    @Test
    void gcKeepsTheBlobsOfMavenRecordsAndRemovesTheOneNoRecordNames() throws Exception {
        Path data = dir.resolve("data");
        try (TestRegistry registry = TestRegistry.start(data, c -> c)) {
            assertEquals(201, registry.send(registry.request("/maven/com/example/lib/1.0/lib-1.0.jar", TestRegistry.ADMIN)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(MavenFaceTest.JAR)).build()).statusCode());
        }
        try (BlobStore store = BlobStoreProvider.openStore(StorageLocation.of(data))) {
            byte[] orphan = "no record names these bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            store.putIfAbsent(io.pkgr.registry.storage.StoragePaths.blob(io.pkgr.bundle.Sha256.ofBytes(orphan)),
                    new java.io.ByteArrayInputStream(orphan));
            StoreCatalogRecords records = new StoreCatalogRecords(store);

            io.pkgr.registry.admin.GcReport report = new io.pkgr.registry.admin.GarbageCollector(store, records,
                    records::readRecordFiles, java.time.Duration.ZERO, false, null,
                    java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(1)), line -> { }).run();

            assertEquals(1, report.blobsRemoved(), report.toString());
            assertEquals(1, report.blobsReferenced(), report.toString());
        }
        try (TestRegistry registry = TestRegistry.start(data, c -> c)) {
            assertArrayEquals(MavenFaceTest.JAR, registry.getBytes(registry.request("/maven/com/example/lib/1.0/lib-1.0.jar",
                    TestRegistry.ADMIN).GET().build()).body());
        }
    }
}
