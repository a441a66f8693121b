package io.pkgr.registry.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.api.ApiJson;
import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.registry.storage.Blob;
import io.pkgr.registry.storage.BlobStat;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobStoreProvider;
import io.pkgr.registry.storage.StorageLocation;
import io.pkgr.registry.storage.ByteRange;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StoragePaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file catalog of record: its per-name indexes load what the records say, after an older
 * version's data directory (no indexes) and after a crash at any point of a change.
 */
class StoreCatalogRecordsTest {

    @TempDir
    Path data;

    @Test
    void aDataDirectoryWithoutIndexesLoadsRecordByRecordAndGetsIndexesForNextTime() throws IOException {
        // given records as an older version wrote them: one file per record, no index
        try (BlobStore store = open()) {
            store.replace(StoragePaths.pypiRecord("demo", "demo-1.0.tar.gz"), ApiJson.bytes(file("demo-1.0.tar.gz", "1.0", 'a')));
            store.replace(StoragePaths.pypiRecord("demo", "demo-1.0-py3-none-any.whl"),
                    ApiJson.bytes(file("demo-1.0-py3-none-any.whl", "1.0", 'b')));
            store.replace(StoragePaths.bundleRecord(new BundleName("team-x"), Version.parse("1.0.0")),
                    ApiJson.bytes(version("team-x", "1.0.0", 'c')));
        }
        assertFalse(Files.exists(data.resolve("index")));

        // when
        CatalogRecords.Snapshot first = load();

        // then every record is there, and the indexes were written
        assertEquals(2, first.files().size());
        assertEquals(1, first.versions().size());
        assertTrue(Files.exists(data.resolve("index/pypi/demo.json")));
        assertTrue(Files.exists(data.resolve("index/bundles/team-x.json")));
        assertTrue(Files.exists(data.resolve("index/complete")));
        // and the next start reads the index alone: a record changed behind its back does not show
        Files.writeString(data.resolve("pypi/demo/demo-1.0.tar.gz.json"), "not read");
        assertEquals(sorted(first.files()), sorted(load().files()));
    }

    @Test
    void startUpListsTheNamesAndReadsAnIndexOnlyWhenItsRecordsAreAskedFor() throws IOException {
        // given indexes for two projects and a bundle
        try (BlobStore store = open()) {
            StoreCatalogRecords records = new StoreCatalogRecords(store);
            records.load();
            records.insertFile(file("demo-1.0.tar.gz", "1.0", 'a'));
            records.insertFile(file("demo-1.0-py3-none-any.whl", "1.0", 'b'));
            records.insertFile(other("other-2.0.tar.gz", 'c'));
            records.insertVersion(version("team-x", "1.0.0", 'd'));
        }

        // when the names are loaded, and an index is broken afterwards, and another's record is changed behind its back
        CatalogRecords.Names names;
        try (BlobStore store = open()) {
            names = new StoreCatalogRecords(store).loadNames();
            assertEquals(List.of("demo", "other"), List.copyOf(names.projects().keySet()));
            assertEquals(List.of("team-x"), List.copyOf(names.bundles().keySet()));
            Files.writeString(data.resolve("index/pypi/demo.json"), "[{\"broken\"");
            Files.writeString(data.resolve("pypi/other/other-2.0.tar.gz.json"), "not read");

            // then nothing was read at load: the broken index is rebuilt from its records on first use,
            // and the intact one is what is read, not the record
            assertEquals(List.of("demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz"),
                    names.projects().get("demo").get().stream().map(PypiFile::filename).sorted().toList());
            assertEquals(List.of(other("other-2.0.tar.gz", 'c')), names.projects().get("other").get());
            assertEquals(Version.parse("1.0.0"), names.bundles().get("team-x").get().get(0).version());
        }
        // and an index naming another project's records is not trusted either
        Files.writeString(data.resolve("index/pypi/other.json"),
                new String(ApiJson.bytes(List.of(file("demo-1.0.tar.gz", "1.0", 'a'))), java.nio.charset.StandardCharsets.UTF_8));
        Files.writeString(data.resolve("pypi/other/other-2.0.tar.gz.json"),
                new String(ApiJson.bytes(other("other-2.0.tar.gz", 'c')), java.nio.charset.StandardCharsets.UTF_8));
        try (BlobStore store = open()) {
            assertEquals(List.of(other("other-2.0.tar.gz", 'c')), new StoreCatalogRecords(store).loadNames().projects().get("other").get());
        }
    }

    private static PypiFile other(String filename, char digit) {
        String sha = String.valueOf(digit).repeat(64);
        return new PypiFile(new BundleName("other"), "2.0", filename, "sdist", new Sha256(sha), sha.substring(0, 32), sha, 100,
                null, null, 0, "alice", Instant.parse("2025-01-01T00:00:00Z"), false, null);
    }

    @Test
    void aCrashAfterTheRecordAndBeforeTheIndexLosesNothing() throws IOException {
        // given a catalog with one file, and a process that dies right after writing the next record
        try (BlobStore store = open()) {
            StoreCatalogRecords records = new StoreCatalogRecords(store);
            records.load();
            records.insertFile(file("demo-1.0.tar.gz", "1.0", 'a'));
        }
        try (CrashingStore crashing = new CrashingStore(open(), (op, path) -> op.equals("replace") && path.startsWith("index/pypi/"))) {
            StoreCatalogRecords records = new StoreCatalogRecords(crashing);
            records.load();

            // when
            assertThrows(IOException.class, () -> records.insertFile(file("demo-2.0.tar.gz", "2.0", 'b')));
        }
        assertTrue(Files.exists(data.resolve("pypi/demo/demo-2.0.tar.gz.json")), "the record was written");
        assertTrue(Files.exists(data.resolve("index/pending/pypi/demo")), "the marker says the index may be stale");

        // then the next start has both files, and the index is whole again
        assertEquals(List.of("demo-1.0.tar.gz", "demo-2.0.tar.gz"), filenames(load()));
        assertFalse(Files.exists(data.resolve("index/pending/pypi/demo")));
        assertEquals(List.of("demo-1.0.tar.gz", "demo-2.0.tar.gz"), filenames(load()));
    }

    @Test
    void aCrashBeforeTheRecordInventsNothing() throws IOException {
        // given a process that dies after marking the index and before writing the record
        try (BlobStore store = open()) {
            StoreCatalogRecords records = new StoreCatalogRecords(store);
            records.load();
            records.insertFile(file("demo-1.0.tar.gz", "1.0", 'a'));
        }
        try (CrashingStore crashing = new CrashingStore(open(), (op, path) -> op.equals("putIfAbsent") && path.startsWith("pypi/"))) {
            StoreCatalogRecords records = new StoreCatalogRecords(crashing);
            records.load();

            // when
            assertThrows(IOException.class, () -> records.insertFile(file("demo-2.0.tar.gz", "2.0", 'b')));
        }
        assertTrue(Files.exists(data.resolve("index/pending/pypi/demo")));

        // then
        assertEquals(List.of("demo-1.0.tar.gz"), filenames(load()));
        assertFalse(Files.exists(data.resolve("pypi/demo/demo-2.0.tar.gz.json")));
    }

    @Test
    void aCrashInTheMiddleOfAYankShowsTheRecordAsWritten() throws IOException {
        // given
        VersionRecord published = version("team-x", "1.0.0", 'c');
        try (BlobStore store = open()) {
            StoreCatalogRecords records = new StoreCatalogRecords(store);
            records.load();
            records.insertVersion(published);
        }
        try (CrashingStore crashing = new CrashingStore(open(), (op, path) -> op.equals("replace") && path.startsWith("index/bundles/"))) {
            StoreCatalogRecords records = new StoreCatalogRecords(crashing);
            records.load();

            // when
            assertThrows(IOException.class, () -> records.replaceVersion(published.withYank(true, "broken")));
        }

        // then the record, which was replaced, wins over the index, which was not
        VersionRecord loaded = load().versions().get(0);
        assertTrue(loaded.yanked());
        assertEquals("broken", loaded.yankReason());
    }

    @Test
    void insertsKeepOneWinnerPerVersionAndPerDistribution() throws IOException {
        try (BlobStore store = open()) {
            StoreCatalogRecords records = new StoreCatalogRecords(store);
            records.load();
            VersionRecord first = version("team-x", "2.0.0", 'a');
            assertTrue(records.insertVersion(first).created());

            // same precedence (build metadata only) and same version: both clash with the first
            Insert<VersionRecord> build = records.insertVersion(version("team-x", "2.0.0+b", 'b'));
            Insert<VersionRecord> again = records.insertVersion(version("team-x", "2.0.0", 'b'));
            assertEquals(Insert.clash(first, Insert.Clash.SAME), build);
            assertEquals(Insert.clash(first, Insert.Clash.SAME), again);

            // a respelled sdist of the same release (1.0 = 1.0.0) and a wheel shadowing a pure one
            PypiFile sdist = file("demo-1.0.tar.gz", "1.0", 'a');
            PypiFile pure = file("demo-1.0-py3-none-any.whl", "1.0", 'b');
            assertTrue(records.insertFile(sdist).created());
            assertTrue(records.insertFile(pure).created());
            assertEquals(Insert.clash(sdist, Insert.Clash.SAME), records.insertFile(file("demo-1.0.0.tar.gz", "1.0.0", 'c')));
            assertEquals(Insert.clash(pure, Insert.Clash.SHADOWED),
                    records.insertFile(file("demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", "1.0", 'd')));
        }
        assertEquals(1, load().versions().size());
        assertEquals(2, load().files().size());
    }

    private BlobStore open() throws IOException {
        return BlobStoreProvider.forScheme("file").open(StorageLocation.of(data));
    }

    private CatalogRecords.Snapshot load() throws IOException {
        try (BlobStore store = open()) {
            return new StoreCatalogRecords(store).load();
        }
    }

    private static List<String> filenames(CatalogRecords.Snapshot snapshot) {
        return snapshot.files().stream().map(PypiFile::filename).sorted().toList();
    }

    private static List<PypiFile> sorted(List<PypiFile> files) {
        return files.stream().sorted(java.util.Comparator.comparing(PypiFile::filename)).toList();
    }

    static PypiFile file(String filename, String version, char digit) {
        String sha = String.valueOf(digit).repeat(64);
        boolean wheel = filename.endsWith(".whl");
        return new PypiFile(new BundleName("demo"), version, filename, wheel ? "bdist_wheel" : "sdist", new Sha256(sha),
                sha.substring(0, 32), sha, 100, null, null, 0, "alice", Instant.parse("2025-01-01T00:00:00Z"), false, null);
    }

    static VersionRecord version(String name, String version, char digit) throws IOException {
        return new VersionRecord(new BundleName(name), Version.parse(version), new Sha256(String.valueOf(digit).repeat(64)), 10,
                ApiJson.MAPPER.readTree("{\"name\":\"" + name + "\"}"), "alice", Instant.parse("2025-01-01T00:00:00Z"), false, null);
    }

    /** A store whose process "dies" at the first operation {@code crashAt} names: that one and every later one fail. */
    static final class CrashingStore implements BlobStore {
        private final BlobStore delegate;
        private final BiPredicate<String, String> crashAt;
        private boolean crashed;

        CrashingStore(BlobStore delegate, BiPredicate<String, String> crashAt) {
            this.delegate = delegate;
            this.crashAt = crashAt;
        }

        private void check(String op, RepoPath path) throws IOException {
            if (crashed || crashAt.test(op, path == null ? "" : path.value())) {
                crashed = true;
                throw new IOException("crashed at " + op + " " + path);
            }
        }

        @Override
        public Optional<BlobStat> stat(RepoPath path) throws IOException {
            check("stat", path);
            return delegate.stat(path);
        }

        @Override
        public Blob get(RepoPath path, ByteRange range) throws IOException {
            check("get", path);
            return delegate.get(path, range);
        }

        @Override
        public io.pkgr.registry.storage.PutResult putIfAbsent(RepoPath path, InputStream content) throws IOException {
            check("putIfAbsent", path);
            return delegate.putIfAbsent(path, content);
        }

        @Override
        public void replace(RepoPath path, byte[] content) throws IOException {
            check("replace", path);
            delegate.replace(path, content);
        }

        @Override
        public List<RepoPath> list(RepoPath prefix) throws IOException {
            check("list", prefix);
            return delegate.list(prefix);
        }

        @Override
        public boolean delete(RepoPath path) throws IOException {
            check("delete", path);
            return delegate.delete(path);
        }

        @Override
        public StagedBlob stage(InputStream content, long maxBytes) throws IOException {
            check("stage", null);
            return delegate.stage(content, maxBytes);
        }

        @Override
        public void checkWritable() throws IOException {
            delegate.checkWritable();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
