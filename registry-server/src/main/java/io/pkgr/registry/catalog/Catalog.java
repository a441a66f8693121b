package io.pkgr.registry.catalog;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Version;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.PutResult;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StoragePaths;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Names → versions → records, held in memory, built from storage at start-up and changed only
 * through this class, which writes storage first and memory second. Changes to one name are
 * serialised on that name's entry; reads never block on writes to other names. JSON answers are
 * rendered once per change and cached with their ETags.
 */
public final class Catalog {

    private static final System.Logger LOG = System.getLogger(Catalog.class.getName());

    private final BlobStore store;
    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

    private Catalog(BlobStore store) {
        this.store = store;
    }

    /** Reads every version record in {@code store}; unreadable records are logged and skipped. */
    public static Catalog load(BlobStore store) throws IOException {
        Catalog catalog = new Catalog(store);
        int skipped = 0;
        for (RepoPath path : store.list(StoragePaths.BUNDLES)) {
            if (!StoragePaths.isBundleRecord(path)) {
                continue;
            }
            try (InputStream in = store.get(path, null).open()) {
                VersionRecord record = Json.MAPPER.readValue(in, VersionRecord.class);
                Version version = record.parsedVersion();
                if (!StoragePaths.bundleRecord(record.bundleName(), version).equals(path)) {
                    throw new IOException("record names " + record.name() + " " + record.version());
                }
                catalog.entry(record.bundleName().normalized()).put(version, record);
            } catch (IOException | RuntimeException e) {
                skipped++;
                LOG.log(Level.WARNING, "skipping unreadable version record {0}: {1}", path, e.getMessage());
            }
        }
        LOG.log(Level.DEBUG, "catalog loaded: {0} versions of {1} bundles ({2} skipped)",
                catalog.versionCount(), catalog.nameCount(), skipped);
        return catalog;
    }

    /** The record of {@code name} {@code version}, if published. */
    public Optional<VersionRecord> find(BundleName name, Version version) {
        Entry entry = entries.get(name.normalized());
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            return Optional.ofNullable(entry.versions.get(version));
        }
    }

    /** The versions list of {@code name}, rendered; empty if nothing is published under it. */
    public Optional<Rendered> versionsJson(BundleName name) {
        Entry entry = entries.get(name.normalized());
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            if (entry.versions.isEmpty()) {
                return Optional.empty();
            }
            if (entry.versionsJson == null) {
                entry.versionsJson = Rendered.of(Json.bytes(entry.summary()));
            }
            return Optional.of(entry.versionsJson);
        }
    }

    /** One version's record, rendered. */
    public Optional<Rendered> recordJson(BundleName name, Version version) {
        Entry entry = entries.get(name.normalized());
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            VersionRecord record = entry.versions.get(version);
            if (record == null) {
                return Optional.empty();
            }
            return Optional.of(entry.recordJson.computeIfAbsent(version, v -> Rendered.of(Json.bytes(record))));
        }
    }

    /**
     * Publishes the staged bytes as {@code candidate}: same version with the same sha256 is
     * idempotent (not created), with another sha256 a {@link VersionConflictException}, and so is
     * a version equal in precedence to a published one ({@code 2.0.0+a} beside {@code 2.0.0}). The
     * blob is committed before the record, so a crash in between leaves an unreferenced blob, never
     * a version without bytes.
     */
    public PublishOutcome publish(VersionRecord candidate, StagedBlob staged) throws IOException {
        BundleName name = candidate.bundleName();
        Version version = candidate.parsedVersion();
        Entry entry = entry(name.normalized());
        synchronized (entry) {
            VersionRecord existing = entry.versions.get(version);
            if (existing != null) {
                return sameOrConflict(existing, candidate);
            }
            VersionRecord samePrecedence = entry.samePrecedence(version);
            if (samePrecedence != null) {
                throw new VersionConflictException(samePrecedence);
            }
            staged.commitIfAbsent(StoragePaths.blob(candidate.digest()));
            RepoPath recordPath = StoragePaths.bundleRecord(name, version);
            PutResult put = store.putIfAbsent(recordPath, new ByteArrayInputStream(Json.bytes(candidate)));
            if (!put.created()) {
                // another process sharing the storage got there first: its record wins
                try (InputStream in = store.get(recordPath, null).open()) {
                    VersionRecord theirs = Json.MAPPER.readValue(in, VersionRecord.class);
                    entry.put(version, theirs);
                    return sameOrConflict(theirs, candidate);
                }
            }
            entry.put(version, candidate);
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
            VersionRecord record = entry.versions.get(version);
            if (record == null) {
                return Optional.empty();
            }
            VersionRecord changed = record.withYank(yanked, reason);
            if (!changed.equals(record)) {
                store.replace(StoragePaths.bundleRecord(name, version), Json.bytes(changed));
                entry.put(version, changed);
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
            VersionRecord record = entry.versions.get(version);
            if (record == null) {
                return Optional.empty();
            }
            store.delete(StoragePaths.bundleRecord(name, version));
            entry.remove(version);
            return Optional.of(record);
        }
    }

    /** Bundles whose name or description contains {@code query} (case-insensitive), by name. */
    public List<Map<String, Object>> search(String query, int limit) {
        String q = query.toLowerCase(Locale.ROOT).trim();
        String normalizedQuery = BundleName.normalize(q);
        List<Map<String, Object>> hits = new ArrayList<>();
        for (String normalized : new TreeMap<>(entries).keySet()) {
            Entry entry = entries.get(normalized);
            synchronized (entry) {
                VersionRecord latest = entry.latest();
                if (latest == null) {
                    continue;
                }
                String description = description(latest);
                if (normalized.contains(normalizedQuery) || description.toLowerCase(Locale.ROOT).contains(q)) {
                    Map<String, Object> hit = new LinkedHashMap<>();
                    hit.put("name", latest.name());
                    hit.put("latest", latest.version());
                    hit.put("description", description);
                    hits.add(hit);
                    if (hits.size() >= limit) {
                        break;
                    }
                }
            }
        }
        return hits;
    }

    public int nameCount() {
        return (int) entries.values().stream().filter(e -> {
            synchronized (e) {
                return !e.versions.isEmpty();
            }
        }).count();
    }

    public int versionCount() {
        return entries.values().stream().mapToInt(e -> {
            synchronized (e) {
                return e.versions.size();
            }
        }).sum();
    }

    private Entry entry(String normalized) {
        return entries.computeIfAbsent(normalized, n -> new Entry());
    }

    private static String description(VersionRecord record) {
        if (record.manifest() != null && record.manifest().hasNonNull("description")) {
            return record.manifest().get("description").asText();
        }
        return "";
    }

    /** One name's versions; guarded by synchronizing on the entry. */
    private static final class Entry {
        final NavigableMap<Version, VersionRecord> versions = new TreeMap<>();
        final Map<Version, Rendered> recordJson = new TreeMap<>();
        Rendered versionsJson;

        void put(Version version, VersionRecord record) {
            versions.put(version, record);
            recordJson.remove(version);
            versionsJson = null;
        }

        void remove(Version version) {
            versions.remove(version);
            recordJson.remove(version);
            versionsJson = null;
        }

        /**
         * A published version that differs from {@code version} only in build metadata, or null.
         * SemVer 2.0 (section 10) gives such versions the same precedence, so {@code latest} and
         * ranges could not tell them apart: one of them would silently replace the other.
         */
        VersionRecord samePrecedence(Version version) {
            // build metadata only breaks ties in the map's order: same-precedence keys are adjacent
            Version bare = new Version(version.major(), version.minor(), version.patch(), version.preRelease(), "");
            Map.Entry<Version, VersionRecord> next = versions.ceilingEntry(bare);
            return next != null && next.getKey().comparePrecedence(version) == 0 ? next.getValue() : null;
        }

        /** Highest non-yanked release, else highest non-yanked pre-release, else null. */
        VersionRecord latest() {
            VersionRecord pre = null;
            for (VersionRecord record : versions.descendingMap().values()) {
                if (record.yanked()) {
                    continue;
                }
                if (!record.parsedVersion().isPreRelease()) {
                    return record;
                }
                if (pre == null) {
                    pre = record;
                }
            }
            return pre;
        }

        Map<String, Object> summary() {
            VersionRecord newest = versions.lastEntry().getValue();
            VersionRecord latest = latest();
            List<Map<String, Object>> list = new ArrayList<>();
            for (VersionRecord record : versions.values()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("version", record.version());
                item.put("sha256", record.sha256());
                item.put("size", record.size());
                item.put("published", record.published());
                item.put("yanked", record.yanked());
                if (record.yankReason() != null) {
                    item.put("yank_reason", record.yankReason());
                }
                list.add(item);
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("name", newest.name());
            summary.put("latest", latest == null ? null : latest.version());
            summary.put("versions", list);
            return summary;
        }
    }
}
