package io.pkgr.catalog.postgresql;

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
import io.pkgr.registry.catalog.CatalogMetrics;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.CatalogUnavailableException;
import io.pkgr.registry.catalog.Insert;
import io.pkgr.testing.PostgresCluster;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL catalog of record against a real PostgreSQL: migrations, the identity rules as keys, the change feed, an outage. */
class PostgresCatalogRecordsTest {

    static PostgresCluster pg;
    static int databases;

    @BeforeAll
    static void startPostgres() throws IOException {
        pg = PostgresCluster.launch();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    private static String newDatabase() throws IOException {
        return pg.createDatabase("catalog" + (++databases));
    }

    private static PostgresCatalogRecords open(String url, Duration fullCheck) throws IOException {
        return PostgresCatalogRecords.open(PgUrl.parse(url, pg.password()), fullCheck, CatalogMetrics.NONE);
    }

    @Test
    void migrationsApplyOnceEvenWhenReplicasStartTogetherAndARestartFindsThemApplied() throws Exception {
        // given a new database and three replicas starting at once
        String url = newDatabase();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<PostgresCatalogRecords>> opening = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            opening.add(pool.submit(() -> open(url, Duration.ofSeconds(30))));
        }
        // then each of them opens, and the schema history holds each migration once
        for (Future<PostgresCatalogRecords> f : opening) {
            f.get(60, TimeUnit.SECONDS).close();
        }
        pool.shutdown();
        String database = url.substring(url.lastIndexOf('/') + 1);
        assertEquals("4|t", pg.psql(database, "SELECT count(*), bool_and(success) FROM pkgr_schema_history WHERE version IS NOT NULL"));
        // and a restart applies nothing and loads what is there
        try (PostgresCatalogRecords records = open(url, Duration.ofSeconds(30))) {
            assertTrue(records.insertVersion(version("team-x", "1.0.0", 'a')).created());
        }
        try (PostgresCatalogRecords records = open(url, Duration.ofSeconds(30))) {
            assertEquals(1, records.load().versions().size());
        }
        assertEquals("4", pg.psql(database, "SELECT count(*) FROM pkgr_schema_history WHERE version IS NOT NULL"));
    }

    @Test
    void theIdentityRulesHoldInTheDatabase() throws IOException {
        try (PostgresCatalogRecords records = open(newDatabase(), Duration.ofSeconds(30))) {
            records.load();
            VersionRecord first = version("team-x", "2.0.0", 'a');
            assertTrue(records.insertVersion(first).created());
            assertEquals(Insert.clash(first, Insert.Clash.SAME), records.insertVersion(version("team-x", "2.0.0+b", 'b')));
            assertEquals(Insert.clash(first, Insert.Clash.SAME), records.insertVersion(version("team-x", "2.0.0", 'b')));
            assertEquals(Insert.clash(first, Insert.Clash.SAME), records.insertVersion(version("Team_X", "2.0.0", 'b')));

            PypiFile sdist = file("demo-1.0.tar.gz", "1.0", 'a');
            PypiFile pure = file("demo-1.0-py3-none-any.whl", "1.0", 'b');
            assertTrue(records.insertFile(sdist).created());
            assertTrue(records.insertFile(pure).created());
            assertEquals(Insert.clash(sdist, Insert.Clash.SAME), records.insertFile(file("demo-1.0.0.tar.gz", "1.0.0", 'c')));
            assertEquals(Insert.clash(pure, Insert.Clash.SAME), records.insertFile(file("demo-1.0-py2.py3-none-any.whl", "1.0", 'c')));
            assertEquals(Insert.clash(pure, Insert.Clash.SHADOWED),
                    records.insertFile(file("demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", "1.0", 'd')));

            CatalogRecords.Snapshot snapshot = records.load();
            assertEquals(1, snapshot.versions().size());
            assertEquals(List.of(pure, sdist), snapshot.files().stream()
                    .sorted(java.util.Comparator.comparing(PypiFile::filename)).toList());
        }
    }

    @Test
    void theUniqueKeysKeepOneWinnerWhenTheRulesAreBypassed() throws IOException {
        // the row lock serialises the rules; the keys hold even for a writer that skips them
        String url = newDatabase();
        try (PostgresCatalogRecords records = open(url, Duration.ofSeconds(30))) {
            records.insertFile(file("demo-1.0.tar.gz", "1.0", 'a'));
        }
        String database = url.substring(url.lastIndexOf('/') + 1);
        IOException refused = assertThrows(IOException.class, () -> pg.psql(database,
                "INSERT INTO pypi_files (project, filename, display_name, version, release, filetype, sha256, size,"
                        + " metadata_size, uploader, uploaded) VALUES ('demo', 'demo-1.0.0.tar.gz', 'demo', '1.0.0', '1',"
                        + " 'sdist', repeat('b', 64), 1, 0, 'x', now())"));
        assertTrue(refused.getMessage().contains("pypi_one_sdist_per_release"), refused.getMessage());
        refused = assertThrows(IOException.class, () -> pg.psql(database,
                "INSERT INTO bundles VALUES ('team-x'); INSERT INTO bundle_versions VALUES ('team-x', '1.0.0', '1.0.0',"
                        + " repeat('a', 64), 1, now(), '{}'), ('team-x', '1.0.0+b', '1.0.0', repeat('b', 64), 1, now(), '{}')"));
        assertTrue(refused.getMessage().contains("one_version_per_precedence"), refused.getMessage());
    }

    @Test
    void yankAndDeleteAreSeenByAnotherReplicaWithinASecond() throws Exception {
        String url = newDatabase();
        try (PostgresCatalogRecords writer = open(url, Duration.ofSeconds(30));
                PostgresCatalogRecords reader = open(url, Duration.ofSeconds(30))) {
            writer.load();
            reader.load();
            Feed feed = new Feed();
            reader.subscribe(feed);
            VersionRecord published = version("team-x", "1.0.0", 'a');

            writer.insertVersion(published);
            assertEquals(List.of(published), feed.bundle("team-x", Duration.ofSeconds(1)));

            writer.replaceVersion(published.withYank(true, "broken"));
            assertEquals(List.of(published.withYank(true, "broken")), feed.bundle("team-x", Duration.ofSeconds(1)));

            PypiFile file = file("demo-1.0.tar.gz", "1.0", 'a');
            writer.insertFile(file);
            assertEquals(List.of(file), feed.project("demo", Duration.ofSeconds(1)));
            assertEquals(List.of(file.withYank(true, "bad")), writer.replaceFiles(List.of(file.withYank(true, "bad"))));
            assertEquals(List.of(file.withYank(true, "bad")), feed.project("demo", Duration.ofSeconds(1)));
            assertEquals(java.util.Optional.of(file.withYank(true, "bad")), writer.deleteFile("demo", file.filename()));
            assertEquals(List.of(), feed.project("demo", Duration.ofSeconds(1)));
        }
    }

    @Test
    void aMissedNotificationIsRepairedByThePeriodicCheck() throws Exception {
        // given a replica listening, with a 1 s full check
        String url = newDatabase();
        String database = url.substring(url.lastIndexOf('/') + 1);
        try (PostgresCatalogRecords writer = open(url, Duration.ofSeconds(30));
                PostgresCatalogRecords reader = open(url, Duration.ofSeconds(1))) {
            writer.insertVersion(version("team-x", "1.0.0", 'a'));
            reader.load();
            Feed feed = new Feed();
            reader.subscribe(feed);

            // when a change is committed whose notification never comes (as if lost with a dropped connection)
            pg.psql(database, "BEGIN; INSERT INTO bundle_yanks (name, version, reason) VALUES ('team-x', '1.0.0', 'lost');"
                    + " UPDATE catalog_counter SET seq = seq + 1; INSERT INTO catalog_changes (seq, kind, name)"
                    + " SELECT seq, 'bundle', 'team-x' FROM catalog_counter; COMMIT;");

            // then the periodic check applies it
            List<VersionRecord> seen = feed.bundle("team-x", Duration.ofSeconds(3));
            assertTrue(seen.get(0).yanked());
            assertEquals("lost", seen.get(0).yankReason());
        }
    }

    @Test
    void oldChangesArePrunedAndAReplicaBehindThePrunedRowsReadsEveryNameAgain() throws Exception {
        // given a replica that applied the first change and then stopped listening
        String url = newDatabase();
        String database = url.substring(url.lastIndexOf('/') + 1);
        try (PostgresCatalogRecords writer = open(url, Duration.ofSeconds(30));
                PostgresCatalogRecords reader = open(url, Duration.ofSeconds(30))) {
            writer.insertVersion(version("team-x", "1.0.0", 'a'));
            reader.load();
            VersionRecord y = version("team-y", "1.0.0", 'b');
            VersionRecord z = version("team-z", "1.0.0", 'c');
            PypiFile demo = file("demo-1.0.tar.gz", "1.0", 'd');
            writer.insertVersion(y);
            writer.insertVersion(z);
            writer.insertFile(demo);

            // when rows of the changes it missed are pruned (recent rows are kept whatever their number)
            int recent = writer.call("prune", false, c -> PostgresCatalogRecords.prune(c, 3));
            pg.psql(database, "UPDATE catalog_changes SET changed_at = now() - interval '2 days';");
            int old = writer.call("prune", false, c -> PostgresCatalogRecords.prune(c, 3));
            Feed feed = new Feed();
            reader.subscribe(feed);

            // then it finds the gap and reads every name, so nothing it missed is lost
            assertEquals(0, recent);
            assertEquals(3, old);
            assertEquals(List.of(y), feed.bundle("team-y", Duration.ofSeconds(3)));
            assertEquals(List.of(z), feed.bundle("team-z", Duration.ofSeconds(3)));
            assertEquals(List.of(demo), feed.project("demo", Duration.ofSeconds(3)));
        }
    }

    @Test
    void whileTheDatabaseIsDownWritesFailAsUnavailableAndHealAfterwards() throws IOException {
        String url = newDatabase();
        try (PostgresCatalogRecords records = open(url, Duration.ofSeconds(30))) {
            records.load();
            records.checkReady();
            pg.stop();
            try {
                assertThrows(CatalogUnavailableException.class, records::checkReady);
                assertThrows(CatalogUnavailableException.class, () -> records.insertVersion(version("team-x", "1.0.0", 'a')));
            } finally {
                pg.start();
            }
            // heals by itself: the pool's next attempt after its back-off finds the database again
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    records.checkReady();
                    break;
                } catch (CatalogUnavailableException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
            assertTrue(records.insertVersion(version("team-x", "1.0.0", 'a')).created());
        }
    }

    @Test
    void theUrlPasswordNeverReachesTheJdbcUrl() {
        PgUrl url = PgUrl.parse("postgresql://pkgr:s%40cret@db.example:6543/registry?sslmode=require", null);
        assertEquals("jdbc:postgresql://db.example:6543/registry?sslmode=require", url.jdbcUrl());
        assertEquals("pkgr", url.user());
        assertEquals("s@cret", url.password());
        assertFalse(url.toString().contains("cret"));
        assertEquals("from-file", PgUrl.parse("postgresql://pkgr:inurl@db/registry", "from-file").password());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> PgUrl.parse("postgresql://pkgr:se cret@db/", null));
        assertFalse(bad.getMessage().contains("cret"));
    }

    /** What a replica's listener was told, per name. */
    static final class Feed implements CatalogRecords.ChangeListener {
        final BlockingQueue<Object[]> changes = new LinkedBlockingQueue<>();

        @Override
        public void bundleChanged(String name, List<VersionRecord> versions) {
            changes.add(new Object[] {"bundle", name, versions});
        }

        @Override
        public void projectChanged(String project, List<PypiFile> files) {
            changes.add(new Object[] {"pypi", project, files});
        }

        @Override
        public void reloaded(CatalogRecords.Snapshot snapshot) {
        }

        @SuppressWarnings("unchecked")
        List<VersionRecord> bundle(String name, Duration within) throws InterruptedException {
            return (List<VersionRecord>) next("bundle", name, within);
        }

        @SuppressWarnings("unchecked")
        List<PypiFile> project(String name, Duration within) throws InterruptedException {
            return (List<PypiFile>) next("pypi", name, within);
        }

        private Object next(String kind, String name, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                Object[] change = changes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (change == null) {
                    throw new AssertionError("no change of " + kind + " " + name + " within " + within);
                }
                if (change[0].equals(kind) && change[1].equals(name)) {
                    return change[2];
                }
            }
        }
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

}
