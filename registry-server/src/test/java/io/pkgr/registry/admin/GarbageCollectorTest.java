package io.pkgr.registry.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.api.ApiJson;
import io.pkgr.api.PinRecord;
import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.registry.catalog.StoreCatalogRecords;
import io.pkgr.registry.storage.BlobHolds;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.FileSystemBlobStoreProvider;
import io.pkgr.registry.storage.StoragePaths;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Garbage collection and retention on a real filesystem store with the file catalog. */
class GarbageCollectorTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration GRACE = Duration.ofHours(1);

    @TempDir
    Path dir;
    BlobStore store;
    StoreCatalogRecords records;
    final List<String> log = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        store = FileSystemBlobStoreProvider.openExisting(dir);
        records = new StoreCatalogRecords(store);
    }

    @Test
    void anOldUnreferencedBlobGoesAndReferencedOrYoungOnesStay() throws IOException {
        Sha256 bundle = blob("bundle", Duration.ofDays(2));
        Sha256 wheel = blob("wheel", Duration.ofDays(2));
        Sha256 metadata = blob("metadata", Duration.ofDays(2));
        Sha256 garbage = blob("garbage", Duration.ofDays(2));
        Sha256 young = blob("young", Duration.ofMinutes(5));
        records.insertVersion(version("churn", "1.0.0", bundle, NOW.minus(Duration.ofDays(3)), false));
        records.insertFile(wheel(wheel, metadata));

        GcReport report = gc(false, null);

        assertTrue(exists(bundle) && exists(wheel) && exists(metadata) && exists(young));
        assertFalse(exists(garbage));
        assertEquals(1, report.blobsRemoved());
        assertEquals("garbage".length(), report.bytesFreed());
        assertEquals(3, report.blobsReferenced());
        assertEquals(1, report.blobsYoungOrHeld());
    }

    @Test
    void aLayeredVersionsStoredWholeFileStaysWithItsVersionAndGoesAfterIt() throws IOException {
        // the file the registry assembled on a whole download, stored under the record's sha256
        Sha256 files = blob("files layer", Duration.ofDays(2));
        Sha256 assembled = blob("assembled whole file", Duration.ofDays(2));
        VersionRecord layered = new VersionRecord(new BundleName("churn"), Version.parse("1.0.0"), assembled, 20, null,
                new VersionRecord.Layers(new VersionRecord.Blob(files, 11), false), "alice", NOW.minus(Duration.ofDays(3)),
                false, null, null);
        records.insertVersion(layered);

        GcReport kept = gc(false, null);
        records.deleteVersion(layered.name(), layered.version());
        GcReport after = gc(false, null);

        assertEquals(2, kept.blobsReferenced());
        assertEquals(0, kept.blobsRemoved());
        assertEquals(2, after.blobsRemoved());
        assertFalse(exists(assembled) || exists(files));
    }

    @Test
    void aHeldBlobStaysAndAStaleHoldIsCleared() throws IOException {
        Sha256 held = blob("held", Duration.ofDays(2));
        Sha256 staleHeld = blob("stale", Duration.ofDays(2));
        new BlobHolds(store).hold(held);
        new BlobHolds(store, "crashed").hold(staleHeld);
        age(StoragePaths.hold(staleHeld, "crashed").toString(), Duration.ofDays(2));

        GcReport report = gc(false, null);

        assertTrue(exists(held), "a publish in progress holds it");
        assertFalse(exists(staleHeld), "a hold older than the grace period holds nothing");
        assertEquals(1, report.staleHolds());
        assertTrue(store.list(StoragePaths.HOLDS).stream().noneMatch(p -> p.toString().contains("crashed")));
    }

    @Test
    void aHoldWrittenAfterTheListingStillSavesTheBlob() throws IOException {
        // the race the look-again exists for: a publish starts to reuse the blob after gc listed the holds
        Sha256 reused = blob("reused", Duration.ofDays(2));
        BlobStore racing = new ForwardingStore(store) {
            @Override
            public List<io.pkgr.registry.storage.BlobStat> listStats(io.pkgr.registry.storage.RepoPath prefix)
                    throws IOException {
                List<io.pkgr.registry.storage.BlobStat> listed = super.listStats(prefix);
                if (prefix.equals(StoragePaths.UPLOADS)) {
                    new BlobHolds(store).hold(reused); // right after gc looked at the holds
                }
                return listed;
            }
        };

        new GarbageCollector(racing, records, records::readRecordFiles, GRACE, false, null, clock(), log::add).run();

        assertTrue(exists(reused));
    }

    @Test
    void aPublishThatHoldsAndFindsTheBlobRightBeforeTheBatchDeleteKeepsIt() throws IOException {
        // the window that was left: gc had looked for holds, the publish held and found the blob, then gc deleted it
        Sha256 reused = blob("reused 123", Duration.ofDays(2));
        Sha256 garbage = blob("garbage", Duration.ofDays(2));
        BlobHolds publishing = new BlobHolds(store);
        BlobStore racing = new ForwardingStore(store) {
            @Override
            void beforeDelete(List<io.pkgr.registry.storage.RepoPath> paths) throws IOException {
                publishing.hold(reused);
                assertFalse(store.putIfAbsent(StoragePaths.blob(reused), bytes("reused 123")).created(), "found stored");
                records.insertVersion(version("app", "2.0.0", reused, NOW, false));
            }
        };

        new GarbageCollector(racing, records, records::readRecordFiles, GRACE, false, null, clock(), log::add).run();
        publishing.close();

        assertTrue(exists(reused), "the new version's blob");
        assertFalse(exists(garbage));
        assertTrue(fsckProblems().isEmpty(), fsckProblems().toString());
    }

    @Test
    void aPublishThatEndsWhileGcRunsKeepsItsHoldsAndSoItsBlob() throws IOException {
        // the whole publish (hold, find, record, release) between gc's listing of the holds and its batch
        Sha256 reused = blob("reused 123", Duration.ofDays(2));
        BlobStore racing = new ForwardingStore(store) {
            @Override
            void beforeDelete(List<io.pkgr.registry.storage.RepoPath> paths) throws IOException {
                try (BlobHolds publishing = new BlobHolds(store)) {
                    publishing.hold(reused);
                    assertFalse(store.putIfAbsent(StoragePaths.blob(reused), bytes("reused 123")).created(), "found stored");
                    records.insertVersion(version("app", "2.0.0", reused, NOW, false));
                }
            }
        };

        new GarbageCollector(racing, records, records::readRecordFiles, GRACE, false, null, clock(), log::add).run();

        assertTrue(exists(reused), "the new version's blob");
        assertTrue(fsckProblems().isEmpty(), fsckProblems().toString());
        assertEquals(List.of(), store.list(StoragePaths.COLLECTING), "gc is over");
        assertEquals(1, store.list(StoragePaths.HOLDS).size(), "kept for the next gc to clear once stale");
    }

    @Test
    void aPublishThatHoldsAfterGcMovedTheBatchAsideAndLookedStoresTheBytesAgain() throws IOException {
        Sha256 reused = blob("reused 123", Duration.ofDays(2));
        boolean[] published = {false};
        BlobStore racing = new ForwardingStore(store) {
            @Override
            public List<io.pkgr.registry.storage.BlobStat> listStats(io.pkgr.registry.storage.RepoPath prefix)
                    throws IOException {
                List<io.pkgr.registry.storage.BlobStat> listed = super.listStats(prefix);
                if (prefix.equals(StoragePaths.HOLDS) && !published[0] && !store.stat(StoragePaths.blob(reused)).isPresent()) {
                    published[0] = true; // gc's look for holds, made after the move, is done
                    try (BlobHolds publishing = new BlobHolds(store)) {
                        publishing.hold(reused);
                        assertTrue(store.putIfAbsent(StoragePaths.blob(reused), bytes("reused 123")).created(), "stored again");
                        records.insertVersion(version("app", "2.0.0", reused, NOW, false));
                    }
                }
                return listed;
            }
        };

        GcReport report = new GarbageCollector(racing, records, records::readRecordFiles, GRACE, false, null, clock(),
                log::add).run();

        assertTrue(published[0]);
        assertEquals(1, report.blobsRemoved(), "the copy it had set aside");
        assertTrue(exists(reused));
        assertTrue(fsckProblems().isEmpty(), fsckProblems().toString());
    }

    @Test
    void aBlobACrashedGcLeftSetAsideIsPutBackAndKeptForItsRecord() throws IOException {
        Sha256 referenced = blob("referenced", Duration.ofDays(2));
        Sha256 garbage = blob("garbage", Duration.ofDays(2));
        records.insertVersion(version("app", "1.0.0", referenced, NOW, false));
        // killed after its move: the blob is set aside and its record, written meanwhile, points to it
        Path aside = Files.createDirectories(dir.resolve(".set-aside"));
        Files.move(dir.resolve(StoragePaths.blob(referenced).toString()),
                aside.resolve(StoragePaths.blob(referenced).toString().replace('/', '~') + "~crashed"));
        assertFalse(exists(referenced));

        GcReport report = gc(false, null);

        assertTrue(exists(referenced));
        assertFalse(exists(garbage));
        assertEquals(1, report.blobsRemoved());
        assertTrue(fsckProblems().isEmpty(), fsckProblems().toString());
        assertTrue(log.contains("put back 1 blob(s) an interrupted collection had set aside"), log.toString());
    }

    @Test
    void fsckPutsBackWhatACrashedGcLeftSetAside() throws IOException {
        Sha256 referenced = blob("referenced", Duration.ofDays(2));
        records.insertVersion(version("app", "1.0.0", referenced, NOW, false));
        Path aside = Files.createDirectories(dir.resolve(".set-aside"));
        Files.move(dir.resolve(StoragePaths.blob(referenced).toString()),
                aside.resolve(StoragePaths.blob(referenced).toString().replace('/', '~') + "~crashed"));

        assertEquals(List.of(), fsckProblems());
        assertTrue(exists(referenced));
    }

    @Test
    void aBatchOfMoreThanAThousandGoesInTwoAndKeepsWhatIsHeldWhenItLooks() throws IOException {
        List<Sha256> blobs = new ArrayList<>();
        for (int i = 0; i < GarbageCollector.BATCH + 5; i++) {
            blobs.add(blob("garbage " + i, Duration.ofDays(2)));
        }
        java.util.Set<Sha256> held = new java.util.HashSet<>();
        int[] batches = {0};
        BlobStore racing = new ForwardingStore(store) {
            @Override
            void beforeDelete(List<io.pkgr.registry.storage.RepoPath> paths) throws IOException {
                batches[0]++; // one blob of each batch held after gc listed the holds
                Sha256 digest = BlobCheck.digestOf(paths.get(batches[0] == 1 ? 0 : paths.size() - 1)).orElseThrow();
                new BlobHolds(store).hold(digest);
                held.add(digest);
            }
        };

        GcReport report = new GarbageCollector(racing, records, records::readRecordFiles, GRACE, false, null, clock(),
                log::add).run();

        assertEquals(2, batches[0]);
        assertEquals(GarbageCollector.BATCH + 3, report.blobsRemoved());
        java.util.Set<Sha256> left = new java.util.HashSet<>();
        for (Sha256 b : blobs) {
            if (exists(b)) {
                left.add(b);
            }
        }
        assertEquals(2, held.size());
        assertEquals(held, left);
        assertFalse(Files.exists(dir.resolve(".set-aside")) && Files.list(dir.resolve(".set-aside")).findAny().isPresent());
    }

    @Test
    void aCollectionWritesItsMarkerAgainAfterEachBatchSoAnotherGcDoesNotTakeItForACrashedOne() throws IOException {
        for (int i = 0; i < GarbageCollector.BATCH + 5; i++) {
            blob("garbage " + i, Duration.ofDays(2));
        }
        List<java.time.Instant> markers = new ArrayList<>();
        BlobStore watching = new ForwardingStore(store) {
            @Override
            void beforeDelete(List<io.pkgr.registry.storage.RepoPath> paths) throws IOException {
                List<io.pkgr.registry.storage.BlobStat> collecting = store.listStats(StoragePaths.COLLECTING);
                assertEquals(1, collecting.size(), collecting.toString());
                markers.add(collecting.get(0).modified());
            }
        };

        new GarbageCollector(watching, records, records::readRecordFiles, GRACE, false, null, clock(), log::add).run();

        // the second batch saw the marker written after the first (a gc that runs longer than the
        // grace period between two batches would still look crashed: said in housekeeping.md)
        assertEquals(2, markers.size());
        assertTrue(markers.get(1).isAfter(markers.get(0)), markers.toString());
        assertTrue(store.listStats(StoragePaths.COLLECTING).isEmpty(), "the marker goes when the collection ends");
    }

    @Test
    void aDryRunChangesNothingAndListsWhatTheRealRunRemoves() throws IOException {
        seedVersions("churn", 5);
        blob("garbage", Duration.ofDays(2));
        RetentionRules rules = rules("rules:\n  - match: churn\n    keep-last: 2\n");
        List<String> before = listing();

        GcReport dry = gc(true, rules);
        List<String> afterDry = listing();
        List<String> dryLog = List.copyOf(log);
        log.clear();
        GcReport real = gc(false, rules);

        assertEquals(before, afterDry, "a dry run writes nothing");
        assertEquals(versions(dry), versions(real));
        assertEquals(List.of("1.0.0", "1.0.1", "1.0.2"), versions(real));
        assertEquals(dry.blobsRemoved(), real.blobsRemoved());
        assertEquals(dry.bytesFreed(), real.bytesFreed());
        assertEquals(dryLog.stream().map(l -> l.replace("would remove ", "").replace("would delete ", "")).toList(),
                log.stream().map(l -> l.replace("removed ", "").replace("deleted ", "")).toList());
        assertEquals(List.of("1.0.3", "1.0.4"), records.readRecordFiles().versions().stream()
                .map(v -> v.version().toString()).sorted().toList());
    }

    @Test
    void retentionNeverRemovesAPinnedVersionUnlessTheRuleSaysSo() throws IOException {
        seedVersions("churn", 4);
        pin("churn", "1.0.0");

        gc(false, rules("rules:\n  - match: \"churn*\"\n    keep-last: 1\n"));
        List<String> kept = remaining();
        gc(false, rules("rules:\n  - match: churn\n    keep-last: 1\n    keep-pinned: false\n"));

        assertEquals(List.of("1.0.0", "1.0.3"), kept);
        assertEquals(List.of("1.0.3"), remaining());
    }

    @Test
    void keepNewerThanAndYankedOlderThanWorkByPublishTime() throws IOException {
        records.insertVersion(version("etl", "1.0.0", blob("a", Duration.ofDays(40)), NOW.minus(Duration.ofDays(40)), false));
        records.insertVersion(version("etl", "1.1.0", blob("b", Duration.ofDays(20)), NOW.minus(Duration.ofDays(20)), true));
        records.insertVersion(version("etl", "1.2.0", blob("c", Duration.ofDays(5)), NOW.minus(Duration.ofDays(5)), true));
        records.insertVersion(version("etl", "1.3.0", blob("d", Duration.ofDays(1)), NOW.minus(Duration.ofDays(1)), false));

        gc(false, rules("rules:\n  - match: etl\n    keep-newer-than: 30d\n    remove-yanked-older-than: 14d\n"));

        assertEquals(List.of("1.2.0", "1.3.0"), remaining());
    }

    @Test
    void namesNoRuleMatchesAreKept() throws IOException {
        seedVersions("other", 3);

        GcReport report = gc(false, rules("rules:\n  - match: churn-*\n    keep-last: 1\n"));

        assertEquals(0, report.versionsRemoved().size());
        assertEquals(3, records.readRecordFiles().versions().size());
    }

    @Test
    void badRuleFilesAreRefusedWithTheRuleAndTheReason() {
        assertEquals("r.yaml: rule 1 (churn): unknown key 'keep-lats' (known: keep-last, keep-newer-than, keep-pinned,"
                + " match, remove-yanked-older-than)", error("rules:\n  - match: churn\n    keep-lats: 2\n"));
        assertEquals("r.yaml: rule 1 (churn): keep-last must be a whole number of at least 1, not '0'".replace(" (churn)", ""),
                error("rules:\n  - match: churn\n    keep-last: 0\n").replace(" (churn)", ""));
        assertEquals("r.yaml: rule 2 (etl): keep-newer-than must be a duration such as 90d, 12h, 2w (s, m, h, d, w), not"
                + " '30 days'", error("rules:\n  - match: churn\n    keep-last: 2\n  - match: etl\n    keep-newer-than: 30 days\n"));
        assertEquals("r.yaml: rule 1 (churn): the rule removes nothing; give keep-last, keep-newer-than or"
                + " remove-yanked-older-than", error("rules:\n  - match: churn\n"));
        assertEquals("r.yaml: expected 'rules:' with a list of rules", error("keep-last: 3\n"));
        assertTrue(error("rules: [\n").startsWith("r.yaml: not valid YAML"));
    }

    @Test
    void anUnreadablePinStopsRetentionBeforeAnythingIsRemoved() throws IOException {
        seedVersions("churn", 3);
        store.replace(StoragePaths.pin(Sha256.ofBytes(new byte[] {1})), "{not json".getBytes(StandardCharsets.UTF_8));

        IOException e = assertThrows(IOException.class, () -> gc(false, rules("rules:\n  - match: churn\n    keep-last: 1\n")));

        assertTrue(e.getMessage().contains("retention needs every pin"), e.getMessage());
        assertEquals(3, records.readRecordFiles().versions().size());
    }

    private String error(String yaml) {
        return assertThrows(IllegalArgumentException.class,
                () -> RetentionRules.parse("r.yaml", yaml.getBytes(StandardCharsets.UTF_8))).getMessage();
    }

    private GcReport gc(boolean dryRun, RetentionRules rules) throws IOException {
        return new GarbageCollector(store, records, records::readRecordFiles, GRACE, dryRun, rules, clock(), log::add).run();
    }

    private static Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    private static RetentionRules rules(String yaml) {
        return RetentionRules.parse("rules.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> versions(GcReport report) {
        return report.versionsRemoved().stream().map(r -> r.record().version().toString()).toList();
    }

    private List<String> remaining() throws IOException {
        return records.readRecordFiles().versions().stream().map(v -> v.version().toString()).sorted().toList();
    }

    private void seedVersions(String name, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Sha256 sha = blob(name + i, Duration.ofDays(10 - i));
            records.insertVersion(version(name, "1.0." + i, sha, NOW.minus(Duration.ofDays(10 - i)), false));
        }
    }

    private void pin(String name, String version) throws IOException {
        PinRecord pin = new PinRecord("x", List.of(new PinRecord.Pinned(new BundleName(name), Version.parse(version))),
                "alice", NOW);
        store.replace(StoragePaths.pin(Sha256.ofBytes(name.getBytes(StandardCharsets.UTF_8))), ApiJson.MAPPER.writeValueAsBytes(pin));
    }

    /** Stores {@code content} as a blob last modified {@code age} before {@link #NOW}. */
    private Sha256 blob(String content, Duration age) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Sha256 sha = Sha256.ofBytes(bytes);
        store.putIfAbsent(StoragePaths.blob(sha), new ByteArrayInputStream(bytes));
        age(StoragePaths.blob(sha).toString(), age);
        return sha;
    }

    private void age(String path, Duration age) throws IOException {
        Files.setLastModifiedTime(dir.resolve(path), FileTime.from(NOW.minus(age)));
    }

    private List<String> fsckProblems() throws IOException {
        return new Fsck(store, false).run(records.readRecordFiles()).problems();
    }

    private static ByteArrayInputStream bytes(String content) {
        return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
    }

    private boolean exists(Sha256 sha) throws IOException {
        return store.stat(StoragePaths.blob(sha)).isPresent();
    }

    private List<String> listing() throws IOException {
        List<String> lines = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(p) && !p.toString().contains("/.tmp/")) {
                    lines.add(dir.relativize(p) + " " + Files.getLastModifiedTime(p) + " " + Files.size(p));
                }
            }
        }
        return lines;
    }

    private static VersionRecord version(String name, String version, Sha256 sha, Instant published, boolean yanked) {
        return new VersionRecord(new BundleName(name), Version.parse(version), sha, 10, null, "alice", published, yanked,
                yanked ? "bad" : null);
    }

    private static PypiFile wheel(Sha256 sha, Sha256 metadata) {
        return new PypiFile(new BundleName("lib"), "1.0", "lib-1.0-py3-none-any.whl", "bdist_wheel", sha, null, null, 5,
                null, metadata, 8, "alice", NOW, false, null);
    }
}
