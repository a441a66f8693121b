package io.pkgr.registry.maven;

import io.pkgr.api.ApiJson;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.storage.Blob;
import io.pkgr.registry.storage.BlobNotFoundException;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.Digests;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.BlobHolds;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StoragePaths;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hosted Maven repository: files in the Maven 2 layout, each a blob plus a record at
 * {@code maven/PATH.json} in the {@link BlobStore}. The store is the catalog: records are read from
 * it (never from a copy only this process has), so replicas on one bucket agree without a database,
 * and the metadata is generated from a listing of what is stored. Release files are put-if-absent
 * (one winner, immutable); snapshot files may be replaced, and old timestamped builds are pruned to
 * the retention setting. Knows nothing of HTTP.
 */
final class MavenRepository {

    private static final System.Logger LOG = System.getLogger(MavenRepository.class.getName());
    /** A release file whose checksum disagrees may be withdrawn this long after its deployer stored it. */
    static final Duration WITHDRAW_WINDOW = Duration.ofMinutes(10);
    private static final int RECORD_CACHE_MAX = 100_000;

    private final BlobStore store;
    private final int snapshotBuildsKept;
    final LongAdder deployed = new LongAdder();
    final LongAdder pruned = new LongAdder();
    /**
     * Records whose path can never hold other content (release files and timestamped snapshot
     * builds), so metadata is generated without reading each record again. A withdrawn or pruned
     * record disappears from the listing first, so a stale entry is never used.
     */
    private final Map<String, MavenFile> immutableRecords = new ConcurrentHashMap<>();
    /**
     * Release records older than {@link #WITHDRAW_WINDOW}, for file GETs: no replica can change or
     * remove them any more, so each process may answer them from memory without asking the store.
     */
    private final Map<String, MavenFile> settledReleases = new ConcurrentHashMap<>();

    /** {@code snapshotBuildsKept}: timestamped builds kept per snapshot version, 0 for all. */
    MavenRepository(BlobStore store, int snapshotBuildsKept) {
        this.store = store;
        this.snapshotBuildsKept = snapshotBuildsKept;
    }

    /** What a deploy did. */
    record Deployed(boolean created, MavenFile file) {
    }

    /** A release file is already stored with other bytes. */
    static final class ReleaseExistsException extends RuntimeException {
        final MavenFile existing;

        ReleaseExistsException(MavenFile existing) {
            super(existing.path());
            this.existing = existing;
        }
    }

    /** The record of {@code file} (a FILE path, without checksum), or empty. */
    Optional<MavenFile> find(MavenPath file) throws IOException {
        MavenFile settled = settledReleases.get(file.filePath());
        if (settled != null) {
            return Optional.of(settled);
        }
        Optional<MavenFile> read = read(StoragePaths.mavenRecord(file.filePath()));
        if (read.isPresent() && !file.snapshot() && settled(read.get()) && settledReleases.size() < RECORD_CACHE_MAX) {
            settledReleases.put(file.filePath(), read.get());
        }
        return read;
    }

    /** The record of a release file from memory, without touching the store; empty when not held (then {@link #find}). */
    Optional<MavenFile> findSettled(MavenPath file) {
        return file.snapshot() ? Optional.empty() : Optional.ofNullable(settledReleases.get(file.filePath()));
    }

    /** A release record past the withdraw window: nothing can change or remove it any more. */
    private static boolean settled(MavenFile release) {
        return release.uploaded().plus(WITHDRAW_WINDOW).isBefore(Instant.now());
    }

    /**
     * Stores the staged bytes as {@code file}: for a release, only if no other bytes are there
     * ({@link ReleaseExistsException}; the same bytes are not created again), for a snapshot in any
     * case. The blob is committed before the record, so a crash leaves at worst an unreferenced blob.
     */
    Deployed deploy(MavenPath file, StagedBlob staged, String sha1, String sha512, String uploader) throws IOException {
        Digests digests = staged.digests();
        MavenFile candidate = new MavenFile(file.filePath(), new Sha256(digests.sha256()), digests.md5(), sha1, sha512,
                digests.size(), uploader, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        RepoPath recordPath = StoragePaths.mavenRecord(file.filePath());
        if (!file.snapshot()) {
            Optional<MavenFile> existing = read(recordPath);
            if (existing.isPresent()) {
                return sameOrConflict(existing.get(), candidate);
            }
        }
        // held until the record is written: the same bytes may be stored already, unreferenced (see BlobHolds)
        try (BlobHolds holds = new BlobHolds(store)) {
            holds.hold(candidate.sha256());
            staged.commitIfAbsent(StoragePaths.blob(candidate.sha256()));
            byte[] json = ApiJson.bytes(candidate);
            if (file.snapshot()) {
                store.replace(recordPath, json);
            } else if (!store.putIfAbsent(recordPath, new ByteArrayInputStream(json)).created()) {
                // another deploy got there first: its record holds the place
                return sameOrConflict(read(recordPath).orElseThrow(), candidate);
            }
        }
        deployed.increment();
        MavenPath.FileParts parts = file.fileParts();
        if (parts.build() != null && snapshotBuildsKept > 0) {
            prune(file);
        }
        return new Deployed(true, candidate);
    }

    private static Deployed sameOrConflict(MavenFile existing, MavenFile candidate) {
        if (existing.sha256().equals(candidate.sha256())) {
            return new Deployed(false, existing);
        }
        throw new ReleaseExistsException(existing);
    }

    /**
     * Removes the record of a file whose uploaded checksum disagrees with its bytes, when that is
     * still part of the deploy that stored it: a snapshot file, or a release file {@code user}
     * stored within {@link #WITHDRAW_WINDOW}. Otherwise the stored file stands. True when removed.
     */
    boolean withdraw(MavenPath file, MavenFile stored, String user) throws IOException {
        boolean recent = stored.uploader() != null && stored.uploader().equals(user)
                && stored.uploaded().plus(WITHDRAW_WINDOW).isAfter(Instant.now());
        if (!file.snapshot() && !recent) {
            return false;
        }
        immutableRecords.remove(stored.path());
        boolean removed = store.delete(StoragePaths.mavenRecord(stored.path()));
        if (removed) {
            LOG.log(Level.WARNING, "withdrew Maven file {0} (sha256 {1}): its uploaded checksum disagrees with its bytes",
                    stored.path(), stored.sha256().hex());
        }
        return removed;
    }

    /** Deletes the records of timestamped builds of {@code file}'s snapshot version beyond the newest kept. */
    private void prune(MavenPath file) throws IOException {
        TreeMap<MavenPath.SnapshotBuild, List<RepoPath>> builds = new TreeMap<>();
        for (RepoPath record : store.list(RepoPath.of("maven/" + file.artifactDirectory() + "/" + file.version()))) {
            MavenPath stored = storedPath(record);
            if (stored != null && stored.version() != null && stored.version().equals(file.version())) {
                MavenPath.SnapshotBuild build = stored.fileParts().build();
                if (build != null) {
                    builds.computeIfAbsent(build, b -> new ArrayList<>()).add(record);
                }
            }
        }
        while (builds.size() > snapshotBuildsKept) {
            Map.Entry<MavenPath.SnapshotBuild, List<RepoPath>> oldest = builds.pollFirstEntry();
            for (RepoPath record : oldest.getValue()) {
                immutableRecords.remove(StoragePaths.mavenPathOf(record));
                if (store.delete(record)) {
                    pruned.increment();
                }
            }
            LOG.log(Level.INFO, "pruned snapshot build {0} of {1}", oldest.getKey().version(baseVersion(file.version())),
                    file.coordinates());
        }
    }

    /**
     * Every stored file of the artifact of {@code path} (any version), sorted by path; the
     * artifact-level listing, read from the store on every call.
     */
    List<MavenFile> files(MavenPath path) throws IOException {
        RepoPath prefix = RepoPath.of("maven/" + path.artifactDirectory());
        List<MavenFile> files = new ArrayList<>();
        for (RepoPath record : store.list(prefix)) {
            MavenPath stored = storedPath(record);
            // a deeper artifact (GROUP.ARTIFACT:x) lists under the same prefix: keep only this one's versions
            if (stored == null || stored.kind() != MavenPath.Kind.FILE || !stored.groupId().equals(path.groupId())
                    || !stored.artifactId().equals(path.artifactId())) {
                continue;
            }
            cachedOrRead(record, stored).ifPresent(files::add);
        }
        return files;
    }

    /**
     * The coordinates ({@code GROUP:ARTIFACT}) of every artifact with at least one stored file:
     * a listing of every Maven record in the store, on every call.
     */
    TreeSet<String> artifacts() throws IOException {
        TreeSet<String> coordinates = new TreeSet<>();
        for (RepoPath record : store.list(StoragePaths.MAVEN)) {
            MavenPath stored = storedPath(record);
            if (stored != null && stored.kind() == MavenPath.Kind.FILE) {
                coordinates.add(stored.coordinates());
            }
        }
        return coordinates;
    }

    /** The versions with at least one file stored, as listed. */
    static TreeSet<String> versions(List<MavenFile> files) {
        TreeSet<String> versions = new TreeSet<>();
        for (MavenFile f : files) {
            String[] parts = f.path().split("/");
            versions.add(parts[parts.length - 2]);
        }
        return versions;
    }

    /** Opens the stored bytes of {@code file}. */
    InputStream open(MavenFile file) throws IOException {
        Blob blob = store.get(StoragePaths.blob(file.sha256()), null);
        return blob.open();
    }

    private Optional<MavenFile> cachedOrRead(RepoPath record, MavenPath stored) throws IOException {
        MavenFile cached = immutableRecords.get(stored.filePath());
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<MavenFile> read = read(record);
        if (read.isPresent() && immutable(stored) && immutableRecords.size() < RECORD_CACHE_MAX) {
            immutableRecords.put(stored.filePath(), read.get());
        }
        return read;
    }

    private static boolean immutable(MavenPath stored) {
        return !stored.snapshot() || stored.fileParts().build() != null;
    }

    private Optional<MavenFile> read(RepoPath record) throws IOException {
        try (InputStream in = store.get(record, null).open()) {
            return Optional.of(ApiJson.read(in, MavenFile.class));
        } catch (BlobNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The Maven path a record stands for; null for anything that is not a valid record path. */
    private static MavenPath storedPath(RepoPath record) {
        String path = StoragePaths.mavenPathOf(record);
        if (path == null) {
            return null;
        }
        try {
            return MavenPath.parse(path);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String baseVersion(String snapshotVersion) {
        return snapshotVersion.substring(0, snapshotVersion.length() - MavenPath.SNAPSHOT.length() - 1);
    }
}
