package io.pkgr.registry.admin;

import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.catalog.BlobReferences;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.storage.BlobHolds;
import io.pkgr.registry.storage.BlobStat;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StoragePaths;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Removes what no record needs: first the versions {@link RetentionRules} remove (when given), then
 * every blob under {@code blobs/} that no bundle or PyPI record references ({@link BlobReferences}; a
 * layered version's stored whole file, {@link BlobReferences#assembledCopy}, counts as its version's),
 * that is older than the grace period and that no publish holds ({@link BlobHolds}, upload markers).
 * Safe beside a registry that serves and publishes: the order of its steps is the argument, see
 * docs/housekeeping.md. With {@code dryRun} it writes nothing and reports what it would remove.
 */
public final class GarbageCollector {

    /** Reads every record as it is now (the record files, or the database). */
    @FunctionalInterface
    public interface RecordSource {
        CatalogRecords.Snapshot read() throws IOException;
    }

    private final BlobStore store;
    private final CatalogRecords records;
    private final RecordSource source;
    private final Duration grace;
    private final boolean dryRun;
    private final RetentionRules retention;
    private final Clock clock;
    private final Consumer<String> log;
    private final Consumer<Retention.Removal> removed;
    /** Blobs removed per batch delete: S3's limit per request, and enough to share directory syncs. */
    static final int BATCH = 1000;

    /**
     * @param retention the rules to apply first, or null for blobs only
     * @param log       one line per version and blob removed (or that would be, with dryRun)
     */
    public GarbageCollector(BlobStore store, CatalogRecords records, RecordSource source, Duration grace, boolean dryRun,
            RetentionRules retention, Clock clock, Consumer<String> log) {
        this(store, records, source, grace, dryRun, retention, clock, log, removal -> { });
    }

    /** @param removed told of each version retention removed, right after its record went (the audit log); never in a dry run */
    public GarbageCollector(BlobStore store, CatalogRecords records, RecordSource source, Duration grace, boolean dryRun,
            RetentionRules retention, Clock clock, Consumer<String> log, Consumer<Retention.Removal> removed) {
        this.store = store;
        this.records = records;
        this.source = source;
        this.grace = grace;
        this.dryRun = dryRun;
        this.retention = retention;
        this.clock = clock;
        this.log = log;
        this.removed = removed;
    }

    public GcReport run() throws IOException {
        long started = System.nanoTime();
        if (dryRun) {
            return collect(started, null);
        }
        // 0. what an interrupted collection set aside goes back first, to be judged like the rest; and
        //    publishes are told a collection runs: from now on they keep their holds (BlobHolds#close)
        int recovered = store.recoverSetAside();
        if (recovered > 0) {
            log.accept("put back " + recovered + " blob(s) an interrupted collection had set aside");
        }
        RepoPath marker = RepoPath.of(StoragePaths.COLLECTING.value(), UUID.randomUUID().toString());
        store.replace(marker, new byte[0]);
        try {
            return collect(started, marker);
        } finally {
            store.delete(marker);
        }
    }

    /** {@code marker}: this collection's {@code collecting/} marker, null in a dry run (which writes none). */
    private GcReport collect(long started, RepoPath marker) throws IOException {
        Instant cutoff = clock.instant().minus(grace);
        List<Retention.Removal> removals = retention == null ? List.of() : applyRetention();
        // 1. list the blobs first: anything written after this is not even a candidate
        List<BlobStat> blobs = store.listStats(StoragePaths.BLOBS);
        // 2. then read every record: a record stored before this point is seen; one stored later
        //    references a blob that is young, held, or was in this listing only if it was reused (held)
        Set<Sha256> referenced = referenced(removals);
        // 3. then the holds and upload markers of publishes in progress
        List<BlobStat> holds = new ArrayList<>(store.listStats(StoragePaths.HOLDS));
        holds.addAll(store.listStats(StoragePaths.UPLOADS));
        Set<Sha256> held = new HashSet<>();
        List<BlobStat> staleHolds = new ArrayList<>();
        for (BlobStat hold : holds) {
            Sha256 digest = StoragePaths.heldDigest(hold.path());
            if (digest != null && !hold.modified().isBefore(cutoff)) {
                held.add(digest);
            } else {
                staleHolds.add(hold);
            }
        }
        GcReport.Builder report = new GcReport.Builder(dryRun, removals);
        List<BlobStat> batch = new ArrayList<>();
        for (BlobStat blob : blobs) {
            if (sweep(blob, referenced, held, cutoff, report)) {
                batch.add(blob);
            }
            if (batch.size() == BATCH) {
                remove(batch, cutoff, report);
                if (marker != null) { // written again: another gc clears markers older than its grace period
                    store.replace(marker, new byte[0]);
                }
            }
        }
        remove(batch, cutoff, report);
        for (BlobStat stale : store.listStats(StoragePaths.COLLECTING)) {
            if (!stale.path().equals(marker) && stale.modified().isBefore(cutoff)) { // a collection that crashed
                if (!dryRun) {
                    store.delete(stale.path());
                }
                report.staleHold();
            }
        }
        for (BlobStat hold : staleHolds) {
            if (!dryRun) {
                store.delete(hold.path());
            }
            report.staleHold();
        }
        return report.build(Duration.ofNanos(System.nanoTime() - started));
    }

    private List<Retention.Removal> applyRetention() throws IOException {
        CatalogRecords.Snapshot snapshot = source.read();
        List<Retention.Removal> removals = Retention.plan(snapshot.versions(), Retention.pinned(store), retention,
                clock.instant());
        for (Retention.Removal removal : removals) {
            VersionRecord v = removal.record();
            log.accept((dryRun ? "would remove " : "removed ") + v.name() + " " + v.version() + ": " + removal.reason());
            if (!dryRun) {
                records.deleteVersion(v.name(), v.version());
                removed.accept(removal);
            }
        }
        return removals;
    }

    /** Every blob a record references now; in a dry run, as if the planned removals had happened. */
    private Set<Sha256> referenced(List<Retention.Removal> removals) throws IOException {
        CatalogRecords.Snapshot snapshot = source.read();
        Set<String> removed = new HashSet<>();
        if (dryRun) {
            removals.forEach(r -> removed.add(Retention.key(r.record().name().normalized(), r.record().version().toString())));
        }
        Set<Sha256> referenced = new HashSet<>();
        for (VersionRecord v : snapshot.versions()) {
            if (!removed.contains(Retention.key(v.name().normalized(), v.version().toString()))) {
                BlobReferences.of(v).forEach(ref -> referenced.add(ref.digest()));
                BlobReferences.assembledCopy(v).ifPresent(ref -> referenced.add(ref.digest()));
            }
        }
        snapshot.files().forEach(f -> BlobReferences.of(f).forEach(ref -> referenced.add(ref.digest())));
        // the Maven face keeps its records in the store, not in the catalog
        BlobReferences.mavenRecords(store).forEach(m -> referenced.add(m.blob().digest()));
        return referenced;
    }

    /** Judges one blob; true when it is to be removed (looked at again in {@link #remove}). */
    private boolean sweep(BlobStat blob, Set<Sha256> referenced, Set<Sha256> held, Instant cutoff, GcReport.Builder report) {
        Optional<Sha256> digest = BlobCheck.digestOf(blob.path());
        if (digest.isEmpty()) {
            report.foreign(blob); // not a blob path: not ours to judge
            return false;
        }
        if (referenced.contains(digest.get())) {
            report.referenced(blob);
            return false;
        }
        if (!blob.modified().isBefore(cutoff) || held.contains(digest.get())) {
            report.young(blob);
            return false;
        }
        return true;
    }

    /**
     * Removes a batch of blobs judged unreferenced, old and not held, with one batch delete of the
     * store (one directory sync per directory, one request per 1,000 objects) instead of one
     * durable delete each. Each blob is looked at again first: a publish may have stored it again since
     * (younger). Then {@link BlobStore#deleteAllUnless} keeps those a publish holds now, in one listing of
     * the holds: the filesystem looks after it has moved the batch aside, so a publish either held the
     * blob before that look (kept) or looks for it after the move (finds nothing and stores it again);
     * an object store looks right before its batch delete.
     */
    private void remove(List<BlobStat> batch, Instant cutoff, GcReport.Builder report) throws IOException {
        List<BlobStat> confirmed = new ArrayList<>(batch.size());
        for (BlobStat blob : batch) {
            if (dryRun) {
                confirmed.add(blob);
                continue;
            }
            Optional<BlobStat> now = store.stat(blob.path());
            if (now.isEmpty() || !now.get().modified().isBefore(cutoff)) {
                report.young(blob);
            } else {
                confirmed.add(blob);
            }
        }
        if (!dryRun && !confirmed.isEmpty()) {
            Set<RepoPath> deleted = new HashSet<>(store.deleteAllUnless(confirmed.stream().map(BlobStat::path).toList(),
                    candidates -> {
                        Set<Sha256> held = BlobHolds.heldDigests(store, cutoff);
                        Set<RepoPath> keep = new HashSet<>();
                        candidates.forEach(path -> BlobCheck.digestOf(path).filter(held::contains).ifPresent(d -> keep.add(path)));
                        return keep;
                    }));
            confirmed.removeIf(blob -> {
                if (deleted.contains(blob.path())) {
                    return false;
                }
                report.young(blob); // held after all (or could not be moved aside)
                return true;
            });
        }
        for (BlobStat blob : confirmed) {
            log.accept((dryRun ? "would delete " : "deleted ") + blob.path() + " (" + blob.size() + " bytes)");
            report.removed(blob);
        }
        batch.clear();
    }
}
