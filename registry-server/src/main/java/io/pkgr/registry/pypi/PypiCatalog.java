package io.pkgr.registry.pypi;

import io.pkgr.api.ApiJson;
import io.pkgr.api.PypiFile;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.pep440.Pep440Version;
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
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PyPI projects → files → records, held in memory: built from {@code pypi/} at start-up, changed
 * only through this class (storage first, memory second), so no request scans storage. A project's
 * file list is handed out as one immutable snapshot, replaced on every change, so the routes render
 * each page once per change. Changes to one project are serialised on its entry.
 */
public final class PypiCatalog {

    private static final System.Logger LOG = System.getLogger(PypiCatalog.class.getName());

    private final BlobStore store;
    private final ConcurrentMap<String, Project> projects = new ConcurrentHashMap<>();
    // the sorted names are cached until a project appears or disappears; the generation makes a
    // list computed during such a change stale at once, without a lock shared with the projects
    private final AtomicLong namesGeneration = new AtomicLong();
    private volatile Names names;

    private record Names(long generation, List<String> sorted) {
    }

    private PypiCatalog(BlobStore store) {
        this.store = store;
    }

    /** Reads every PyPI file record in {@code store}; unreadable records are logged and skipped. */
    public static PypiCatalog load(BlobStore store) throws IOException {
        PypiCatalog catalog = new PypiCatalog(store);
        List<RepoPath> paths = store.list(StoragePaths.PYPI).stream().filter(StoragePaths::isPypiRecord).toList();
        AtomicInteger skipped = new AtomicInteger();
        // records are small independent files: read them on every core
        paths.parallelStream().forEach(path -> {
            try (InputStream in = store.get(path, null).open()) {
                PypiFile record = ApiJson.read(in, PypiFile.class);
                version(record);
                if (!StoragePaths.pypiRecord(record.project(), record.filename()).equals(path)) {
                    throw new IOException("record names " + record.project() + "/" + record.filename());
                }
                Project project = catalog.project(record.project());
                synchronized (project) {
                    project.put(record);
                }
            } catch (IOException | RuntimeException e) {
                skipped.incrementAndGet();
                LOG.log(Level.WARNING, "skipping unreadable PyPI record {0}: {1}", path, e.getMessage());
            }
        });
        LOG.log(Level.DEBUG, "PyPI catalog loaded: {0} files of {1} projects ({2} skipped)",
                catalog.fileCount(), catalog.projectCount(), skipped.get());
        return catalog;
    }


    /** Normalized names of every project with at least one file, sorted. */
    List<String> projectNames() {
        long generation = namesGeneration.get();
        Names cached = names;
        if (cached != null && cached.generation() == generation) {
            return cached.sorted();
        }
        List<String> sorted = projects.entrySet().stream().filter(e -> e.getValue().hasFiles())
                .map(java.util.Map.Entry::getKey).sorted().toList();
        names = new Names(generation, sorted);
        return sorted;
    }

    boolean exists(String normalized) {
        Project project = projects.get(normalized);
        return project != null && project.hasFiles();
    }

    Optional<PypiFile> find(String normalized, String filename) {
        Project project = projects.get(normalized);
        if (project == null) {
            return Optional.empty();
        }
        synchronized (project) {
            return Optional.ofNullable(project.files.get(filename));
        }
    }

    /**
     * Every file of {@code normalized}, by filename: the same list object until the project next
     * changes; empty when it has no files.
     */
    List<PypiFile> files(String normalized) {
        Project project = projects.get(normalized);
        if (project == null) {
            return List.of();
        }
        synchronized (project) {
            if (project.snapshot == null) {
                project.snapshot = List.copyOf(project.files.values());
            }
            return project.snapshot;
        }
    }

    /** The PEP 440 version of {@code file}. */
    static Pep440Version version(PypiFile file) {
        return Pep440Version.parse(file.version());
    }

    /**
     * Stores an upload unless the project already has the same distribution under any spelling of
     * its filename ({@link #sameDistribution}): with the same sha256 that is
     * idempotent (not created), with another sha256 a {@link FileExistsException}. Metadata and
     * file blobs are committed before the record, so a crash in between leaves unreferenced blobs,
     * never a record without bytes.
     */
    UploadOutcome upload(PypiFile candidate, StagedBlob staged, byte[] metadata) throws IOException {
        Project project = project(candidate.project());
        synchronized (project) {
            PypiFile existing = project.sameDistribution(candidate);
            if (existing != null) {
                return sameOrConflict(existing, candidate);
            }
            PypiFile pure = project.pureWheelShadowedBy(candidate);
            if (pure != null) {
                throw new FileExistsException(pure, candidate.filename() + " would join the release beside this pure"
                        + " wheel, and pip prefers a wheel with more specific tags wherever they fit, so it would be"
                        + " installed in its place; publish a new version instead");
            }
            if (metadata != null) {
                store.putIfAbsent(StoragePaths.blob(Sha256.ofBytes(metadata)), new ByteArrayInputStream(metadata));
            }
            staged.commitIfAbsent(StoragePaths.blob(candidate.sha256()));
            RepoPath recordPath = StoragePaths.pypiRecord(candidate.project(), candidate.filename());
            PutResult put = store.putIfAbsent(recordPath, new ByteArrayInputStream(ApiJson.bytes(candidate)));
            if (!put.created()) {
                // another process sharing the storage got there first: its record wins
                try (InputStream in = store.get(recordPath, null).open()) {
                    PypiFile theirs = ApiJson.read(in, PypiFile.class);
                    put(project, theirs);
                    return sameOrConflict(theirs, candidate);
                }
            }
            put(project, candidate);
            return new UploadOutcome(true, candidate);
        }
    }

    private static UploadOutcome sameOrConflict(PypiFile existing, PypiFile candidate) {
        if (existing.sha256().equals(candidate.sha256())) {
            return new UploadOutcome(false, existing);
        }
        throw new FileExistsException(existing);
    }

    /** Marks one file yanked (or not); it stays downloadable for those who pinned it. */
    Optional<PypiFile> setYanked(String normalized, String filename, boolean yanked, String reason) throws IOException {
        Project project = projects.get(normalized);
        if (project == null) {
            return Optional.empty();
        }
        synchronized (project) {
            PypiFile record = project.files.get(filename);
            return record == null ? Optional.empty() : Optional.of(yank(project, record, yanked, reason));
        }
    }

    /** Marks every file of one release yanked (or not); empty list when the release has no files. */
    List<PypiFile> setYankedRelease(String normalized, Pep440Version version, boolean yanked, String reason)
            throws IOException {
        Project project = projects.get(normalized);
        if (project == null) {
            return List.of();
        }
        synchronized (project) {
            List<PypiFile> changed = new ArrayList<>();
            for (PypiFile record : List.copyOf(project.files.values())) {
                if (version(record).compareTo(version) == 0) {
                    changed.add(yank(project, record, yanked, reason));
                }
            }
            return changed;
        }
    }

    private PypiFile yank(Project project, PypiFile record, boolean yanked, String reason) throws IOException {
        PypiFile changed = record.withYank(yanked, reason);
        if (!changed.equals(record)) {
            store.replace(StoragePaths.pypiRecord(record.project(), record.filename()), ApiJson.bytes(changed));
            put(project, changed);
        }
        return changed;
    }

    /** Removes a file's record (an admin action); the blobs stay, other records may share them. */
    Optional<PypiFile> delete(String normalized, String filename) throws IOException {
        Project project = projects.get(normalized);
        if (project == null) {
            return Optional.empty();
        }
        synchronized (project) {
            PypiFile record = project.files.get(filename);
            if (record == null) {
                return Optional.empty();
            }
            store.delete(StoragePaths.pypiRecord(normalized, filename));
            project.files.remove(filename);
            project.changed();
            namesGeneration.incrementAndGet();
            return Optional.of(record);
        }
    }

    public int projectCount() {
        return (int) projects.values().stream().filter(Project::hasFiles).count();
    }

    public int fileCount() {
        return projects.values().stream().mapToInt(p -> {
            synchronized (p) {
                return p.files.size();
            }
        }).sum();
    }

    private void put(Project project, PypiFile record) {
        boolean wasEmpty = project.files.isEmpty();
        project.put(record);
        if (wasEmpty) {
            namesGeneration.incrementAndGet();
        }
    }

    private Project project(String normalized) {
        return projects.computeIfAbsent(normalized, n -> {
            namesGeneration.incrementAndGet();
            return new Project();
        });
    }

    /**
     * Whether pip could take {@code b} for {@code a}, so that storing both would let one replace
     * the other: the same version (PEP 440, {@code 1.0} = {@code 1.0.0}) and either both sdists
     * (one per release, as on PyPI) or both wheels with a compatibility tag in common. A wheel's
     * build tag does not make it another file: pip prefers the higher build, so it would replace it.
     */
    static boolean sameDistribution(PypiFile a, PypiFile b) {
        if (!a.filetype().equals(b.filetype()) || version(a).compareTo(version(b)) != 0) {
            return false;
        }
        return !a.filetype().equals(DistributionFilename.Kind.WHEEL.filetype)
                || !Collections.disjoint(DistributionFilename.wheelTags(a.filename()), DistributionFilename.wheelTags(b.filename()));
    }

    /** One project's files; guarded by synchronizing on the entry. */
    private static final class Project {
        final TreeMap<String, PypiFile> files = new TreeMap<>();
        List<PypiFile> snapshot;

        /** The stored file {@code candidate} would duplicate, preferring one with its bytes; null when none. */
        PypiFile sameDistribution(PypiFile candidate) {
            PypiFile found = files.get(candidate.filename());
            if (found != null) {
                return found;
            }
            for (PypiFile file : files.values()) {
                if (PypiCatalog.sameDistribution(file, candidate) && (found == null || file.sha256().equals(candidate.sha256()))) {
                    found = file;
                }
            }
            return found;
        }

        /**
         * The pure wheel (platform {@code any}) of the candidate's release that the candidate, a wheel
         * with other tags, would shadow; null when none. pip ranks {@code cp311-none-any} or a
         * platform wheel above {@code py3-none-any}, so bytes added beside a pure wheel would replace
         * it wherever their tags fit. A pure wheel joining platform wheels ranks below them: allowed.
         */
        PypiFile pureWheelShadowedBy(PypiFile candidate) {
            if (!candidate.filetype().equals(DistributionFilename.Kind.WHEEL.filetype)) {
                return null;
            }
            for (PypiFile file : files.values()) {
                if (file.filetype().equals(candidate.filetype())
                        && version(file).compareTo(version(candidate)) == 0
                        && DistributionFilename.wheelTags(file.filename()).stream().anyMatch(t -> t.endsWith("-any"))) {
                    return file;
                }
            }
            return null;
        }

        void put(PypiFile record) {
            files.put(record.filename(), record);
            changed();
        }

        void changed() {
            snapshot = null;
        }

        synchronized boolean hasFiles() {
            return !files.isEmpty();
        }
    }
}
