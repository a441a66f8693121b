package io.pkgr.registry.catalog;

import io.pkgr.api.SearchResults;
import io.pkgr.api.VersionList;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StoragePaths;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Names → versions → records, held in memory, built from a {@link CatalogRecords} snapshot at
 * start-up and changed only through this class, which writes the catalog of record first and
 * memory second (changes made by other replicas arrive through {@link #refresh}). Changes to one name are
 * serialised on that name's entry; reads never block on writes to other names. What it hands out
 * is immutable and replaced on every change (a new record, a new version list), so the routes can
 * render each once per change.
 */
public final class Catalog {

    private static final System.Logger LOG = System.getLogger(Catalog.class.getName());

    private final CatalogRecords records;
    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
    // the newest publishes, recomputed only after a change: a page that lists them costs a read
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private volatile Recent recent;

    private record Recent(long change, int limit, List<VersionRecord> records) {
    }

    private Catalog(CatalogRecords records) {
        this.records = records;
    }

    /** The catalog of {@code snapshot}'s version records, changed through {@code records} from now on. */
    public static Catalog of(CatalogRecords records, CatalogRecords.Snapshot snapshot) {
        Catalog catalog = new Catalog(records);
        for (VersionRecord record : snapshot.versions()) {
            catalog.entry(record.name().normalized()).put(record.version(), record);
        }
        LOG.log(Level.DEBUG, "catalog loaded: {0} versions of {1} bundles", catalog.versionCount(), catalog.nameCount());
        return catalog;
    }

    /**
     * The catalog of {@code names}: each name's versions are read from its supplier when first
     * asked for (under the name's entry, so once), changed through {@code records} from now on.
     */
    public static Catalog of(CatalogRecords records, CatalogRecords.Names names) {
        Catalog catalog = new Catalog(records);
        names.bundles().forEach((name, versions) -> catalog.entries.put(name, new Entry(versions)));
        LOG.log(Level.DEBUG, "catalog loaded: {0} bundles, their versions read on first use", names.bundles().size());
        return catalog;
    }

    /** Replaces what memory holds of {@code normalized} with {@code versions} (a change made elsewhere). */
    public void refresh(String normalized, List<VersionRecord> versions) {
        Entry entry = entry(normalized);
        synchronized (entry) {
            entry.loader = null;
            entry.versions.clear();
            for (VersionRecord record : versions) {
                entry.versions().put(record.version(), record);
            }
            entry.list = null;
            changes.incrementAndGet();
        }
    }

    /** Replaces everything memory holds with {@code snapshot} (after changes may have been missed). */
    public void refreshAll(CatalogRecords.Snapshot snapshot) {
        Map<String, List<VersionRecord>> byName = new TreeMap<>();
        for (VersionRecord record : snapshot.versions()) {
            byName.computeIfAbsent(record.name().normalized(), n -> new ArrayList<>()).add(record);
        }
        for (String name : entries.keySet()) {
            if (!byName.containsKey(name)) {
                refresh(name, List.of());
            }
        }
        byName.forEach(this::refresh);
    }

    /** The record of {@code name} {@code version}, if published. */
    public Optional<VersionRecord> find(BundleName name, Version version) {
        Entry entry = entries.get(name.normalized());
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            return Optional.ofNullable(entry.versions().get(version));
        }
    }

    /** The versions of {@code name}, the same object until the next change; empty if nothing is published under it. */
    public Optional<VersionList> versions(BundleName name) {
        Entry entry = entries.get(name.normalized());
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            if (entry.versions().isEmpty()) {
                return Optional.empty();
            }
            if (entry.list == null) {
                entry.list = entry.summary();
            }
            return Optional.of(entry.list);
        }
    }

    /**
     * Throws the {@link VersionConflictException} {@link #publish} would throw for {@code version}
     * with {@code sha256} as things stand, so that a refused upload stores nothing. Another
     * replica may still win between this check and the publish; its blobs are then unreferenced
     * and left to garbage collection, as after a crash.
     */
    public void checkPublishable(BundleName name, Version version, Sha256 sha256) {
        Entry entry = entries.get(name.normalized());
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            VersionRecord existing = entry.versions().get(version);
            if (existing != null) {
                if (!existing.sha256().equals(sha256)) {
                    throw new VersionConflictException(existing);
                }
                return;
            }
            VersionRecord samePrecedence = entry.samePrecedence(version);
            if (samePrecedence != null) {
                throw new VersionConflictException(samePrecedence);
            }
        }
    }

    /**
     * Publishes the staged bytes as {@code candidate}: same version with the same sha256 is
     * idempotent (not created), with another sha256 a {@link VersionConflictException}, and so is
     * a version equal in precedence to a published one ({@code 2.0.0+a} beside {@code 2.0.0}). The
     * blob is committed before the record, so a crash in between leaves an unreferenced blob, never
     * a version without bytes. {@code staged} is null when the record's bytes are already stored
     * (as layers: see {@link VersionRecord#blobReferences()}).
     */
    public PublishOutcome publish(VersionRecord candidate, StagedBlob staged) throws IOException {
        BundleName name = candidate.name();
        Version version = candidate.version();
        Entry entry = entry(name.normalized());
        synchronized (entry) {
            VersionRecord existing = entry.versions().get(version);
            if (existing != null) {
                return sameOrConflict(existing, candidate);
            }
            VersionRecord samePrecedence = entry.samePrecedence(version);
            if (samePrecedence != null) {
                throw new VersionConflictException(samePrecedence);
            }
            if (staged != null) {
                staged.commitIfAbsent(StoragePaths.blob(candidate.sha256()));
            }
            Insert<VersionRecord> insert = records.insertVersion(candidate);
            if (!insert.created()) {
                // another process got there first: its record wins
                VersionRecord theirs = insert.record();
                entry.put(theirs.version(), theirs);
                if (!theirs.version().equals(version)) {
                    throw new VersionConflictException(theirs);
                }
                return sameOrConflict(theirs, candidate);
            }
            entry.put(version, candidate);
            changes.incrementAndGet();
            return new PublishOutcome(true, candidate);
        }
    }

    private static PublishOutcome sameOrConflict(VersionRecord existing, VersionRecord candidate) {
        if (existing.sha256().equals(candidate.sha256())) {
            return new PublishOutcome(false, existing);
        }
        throw new VersionConflictException(existing);
    }

    /** Marks a version yanked (or not); the bytes stay downloadable for those who pinned them. */
    public Optional<VersionRecord> setYanked(BundleName name, Version version, boolean yanked, String reason) throws IOException {
        Entry entry = entries.get(name.normalized());
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            VersionRecord record = entry.versions().get(version);
            if (record == null) {
                return Optional.empty();
            }
            VersionRecord changed = record.withYank(yanked, reason);
            if (!changed.equals(record)) {
                Optional<VersionRecord> stored = records.replaceVersion(changed);
                if (stored.isEmpty()) {
                    entry.remove(version); // deleted elsewhere meanwhile
                    return Optional.empty();
                }
                entry.put(version, stored.get());
                changes.incrementAndGet();
            }
            return Optional.of(changed);
        }
    }

    /**
     * Removes a version's record (an admin action). The blob stays: other versions or faces may
     * share the same bytes.
     */
    public Optional<VersionRecord> delete(BundleName name, Version version) throws IOException {
        Entry entry = entries.get(name.normalized());
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            VersionRecord record = entry.versions().get(version);
            if (record == null) {
                return Optional.empty();
            }
            Optional<VersionRecord> deleted = records.deleteVersion(name, version);
            entry.remove(version);
            changes.incrementAndGet();
            return deleted;
        }
    }

    /** Bundles whose name or description contains {@code query} (case-insensitive), by name. */
    public List<SearchResults.Hit> search(String query, int limit) {
        String q = query.toLowerCase(Locale.ROOT).trim();
        String normalizedQuery = BundleName.normalize(q);
        List<SearchResults.Hit> hits = new ArrayList<>();
        for (String normalized : new TreeMap<>(entries).keySet()) {
            Entry entry = entries.get(normalized);
            synchronized (entry) {
                VersionRecord latest = entry.latest();
                if (latest == null) {
                    continue;
                }
                String description = latest.description();
                if (normalized.contains(normalizedQuery) || description.toLowerCase(Locale.ROOT).contains(q)) {
                    hits.add(new SearchResults.Hit(latest.name(), latest.version(), description));
                    if (hits.size() >= limit) {
                        break;
                    }
                }
            }
        }
        return hits;
    }

    /**
     * The {@code limit} most recently published versions, newest first (yanked ones included: a
     * reader should see them marked). Computed again only after a change.
     */
    public List<VersionRecord> recent(int limit) {
        long change = changes.get();
        Recent cached = recent;
        if (cached != null && cached.change() == change && cached.limit() == limit) {
            return cached.records();
        }
        java.util.PriorityQueue<VersionRecord> newest = new java.util.PriorityQueue<>(RECENT_ORDER.reversed());
        for (Entry entry : entries.values()) {
            synchronized (entry) {
                for (VersionRecord record : entry.versions().values()) {
                    newest.add(record);
                    if (newest.size() > limit) {
                        newest.poll();
                    }
                }
            }
        }
        List<VersionRecord> sorted = new ArrayList<>(newest);
        sorted.sort(RECENT_ORDER);
        recent = new Recent(change, limit, List.copyOf(sorted));
        return recent.records();
    }

    /** Newest first; records without a time last; then by name and version for a stable order. */
    private static final java.util.Comparator<VersionRecord> RECENT_ORDER = java.util.Comparator
            .comparing(VersionRecord::published, java.util.Comparator.nullsFirst(java.util.Comparator.<java.time.Instant>naturalOrder()))
            .reversed()
            .thenComparing(r -> r.name().normalized())
            .thenComparing(VersionRecord::version);

    public int nameCount() {
        return (int) entries.values().stream().filter(e -> {
            synchronized (e) {
                return e.loader != null || !e.versions.isEmpty();
            }
        }).count();
    }

    public int versionCount() {
        return entries.values().stream().mapToInt(e -> {
            synchronized (e) {
                return e.versions().size();
            }
        }).sum();
    }

    private Entry entry(String normalized) {
        return entries.computeIfAbsent(normalized, n -> new Entry());
    }

    /** One name's versions; guarded by synchronizing on the entry. */
    private static final class Entry {
        final NavigableMap<Version, VersionRecord> versions = new TreeMap<>();
        VersionList list;
        /** Supplies the versions not read yet; null once read (or for an entry made empty). */
        java.util.function.Supplier<List<VersionRecord>> loader;

        Entry() {
        }

        Entry(java.util.function.Supplier<List<VersionRecord>> loader) {
            this.loader = loader;
        }

        /** The versions, read first if they have not been. */
        NavigableMap<Version, VersionRecord> versions() {
            if (loader != null) {
                for (VersionRecord record : loader.get()) {
                    versions.put(record.version(), record);
                }
                loader = null;
            }
            return versions;
        }

        void put(Version version, VersionRecord record) {
            versions().put(version, record);
            list = null;
        }

        void remove(Version version) {
            versions().remove(version);
            list = null;
        }

        /**
         * A published version that differs from {@code version} only in build metadata, or null.
         * SemVer 2.0 (section 10) gives such versions the same precedence, so {@code latest} and
         * ranges could not tell them apart: one of them would silently replace the other.
         */
        VersionRecord samePrecedence(Version version) {
            // build metadata only breaks ties in the map's order: same-precedence keys are adjacent
            Version bare = new Version(version.major(), version.minor(), version.patch(), version.preRelease(), "");
            Map.Entry<Version, VersionRecord> next = versions().ceilingEntry(bare);
            return next != null && next.getKey().comparePrecedence(version) == 0 ? next.getValue() : null;
        }

        /** Highest non-yanked release, else highest non-yanked pre-release, else null. */
        VersionRecord latest() {
            VersionRecord pre = null;
            for (VersionRecord record : versions().descendingMap().values()) {
                if (record.yanked()) {
                    continue;
                }
                if (!record.version().isPreRelease()) {
                    return record;
                }
                if (pre == null) {
                    pre = record;
                }
            }
            return pre;
        }

        VersionList summary() {
            VersionRecord newest = versions().lastEntry().getValue();
            VersionRecord latest = latest();
            return new VersionList(newest.name(), latest == null ? null : latest.version(),
                    versions().values().stream().map(VersionRecord::summary).toList());
        }
    }
}
