package io.pkgr.catalog.postgresql;

import io.pkgr.api.ApiJson;
import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.registry.catalog.CatalogMetrics;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.RecordRules;
import io.pkgr.registry.catalog.StoreCatalogRecords;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobStoreProvider;
import io.pkgr.registry.storage.StorageLocation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Benchmark data for the PostgreSQL catalog's start-up: every record of a file data directory (as
 * {@code PypiBenchData} and {@code BundleBenchData} write it) inserted as rows, in large batches.
 *
 * <pre>java -cp … io.pkgr.catalog.postgresql.PgBenchData DATA_DIR postgresql://USER@HOST:PORT/DB PASSWORD</pre>
 */
public final class PgBenchData {

    private PgBenchData() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        PgUrl url = PgUrl.parse(args[1], args.length > 2 ? args[2] : null);
        CatalogRecords.Snapshot snapshot;
        try (BlobStore store = BlobStoreProvider.forScheme("file").open(StorageLocation.of(data))) {
            snapshot = new StoreCatalogRecords(store).load();
        }
        PostgresCatalogRecords.open(url, Duration.ofSeconds(30), Duration.ZERO, CatalogMetrics.NONE).close(); // the schema
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
            c.setAutoCommit(false);
            Set<String> bundles = new LinkedHashSet<>();
            snapshot.versions().forEach(v -> bundles.add(v.name().normalized()));
            batch(c, "INSERT INTO bundles VALUES (?)", bundles, (s, n) -> s.setString(1, n));
            batch(c, "INSERT INTO bundle_versions VALUES (?, ?, ?, ?, ?, ?, ?)", snapshot.versions(), (s, v) -> {
                s.setString(1, v.name().normalized());
                s.setString(2, v.version().toString());
                s.setString(3, RecordRules.precedenceKey(v.version()));
                s.setString(4, v.sha256().hex());
                s.setLong(5, v.size());
                s.setTimestamp(6, Timestamp.from(v.published()));
                s.setString(7, ApiJson.text(v.withYank(false, null)));
            });
            batch(c, "INSERT INTO bundle_yanks (name, version, reason) VALUES (?, ?, ?)",
                    snapshot.versions().stream().filter(VersionRecord::yanked).toList(), (s, v) -> {
                        s.setString(1, v.name().normalized());
                        s.setString(2, v.version().toString());
                        s.setString(3, v.yankReason());
                    });
            Set<String> projects = new LinkedHashSet<>();
            snapshot.files().forEach(f -> projects.add(f.project()));
            batch(c, "INSERT INTO pypi_projects VALUES (?)", projects, (s, n) -> s.setString(1, n));
            batch(c, "INSERT INTO pypi_files (project, filename, display_name, version, release, filetype, sha256, md5,"
                    + " blake2_256, size, requires_python, metadata_sha256, metadata_size, uploader, uploaded)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", snapshot.files(), (s, f) -> {
                        s.setString(1, f.project());
                        s.setString(2, f.filename());
                        s.setString(3, f.name().toString());
                        s.setString(4, f.version());
                        s.setString(5, RecordRules.releaseKey(f.version()));
                        s.setString(6, f.filetype());
                        s.setString(7, f.sha256().hex());
                        s.setString(8, f.md5());
                        s.setString(9, f.blake2b256());
                        s.setLong(10, f.size());
                        s.setString(11, f.requiresPython());
                        s.setString(12, f.metadataSha256() == null ? null : f.metadataSha256().hex());
                        s.setLong(13, f.metadataSize());
                        s.setString(14, f.uploader());
                        s.setTimestamp(15, Timestamp.from(f.uploaded()));
                    });
            batch(c, "INSERT INTO pypi_yanks (project, filename, reason) VALUES (?, ?, ?)",
                    snapshot.files().stream().filter(PypiFile::yanked).toList(), (s, f) -> {
                        s.setString(1, f.project());
                        s.setString(2, f.filename());
                        s.setString(3, f.yankReason());
                    });
            c.commit();
        }
        System.out.println("inserted " + snapshot.versions().size() + " versions and " + snapshot.files().size() + " files");
    }

    private interface Binder<T> {
        void bind(PreparedStatement s, T value) throws Exception;
    }

    private static <T> void batch(Connection c, String sql, Iterable<T> values, Binder<T> binder) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int n = 0;
            for (T value : values) {
                binder.bind(s, value);
                s.addBatch();
                if (++n % 5000 == 0) {
                    s.executeBatch();
                }
            }
            s.executeBatch();
        }
    }
}
