package io.pkgr.registry.pypi;

import io.pkgr.api.PypiFile;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.pep440.Pep440Version;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.Insert;
import io.pkgr.registry.catalog.RecordRules;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.BlobHolds;
import io.pkgr.registry.storage.StoragePaths;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PyPI projects → files → records, held in memory: built from a {@link CatalogRecords} snapshot at
 * start-up, changed only through this class (the catalog of record first, memory second; changes
 * made by other replicas arrive through {@link #refresh}), so no request scans storage. A project's
 * file list is handed out as one immutable snapshot, replaced on every change, so the routes render
 * each page once per change. Changes to one project are serialised on its entry.
 */
public final class PypiCatalog {

    private static final System.Logger LOG = System.getLogger(PypiCatalog.class.getName());

    private final BlobStore store;
    private final CatalogRecords records;
    private final ConcurrentMap<String, Project> projects = new ConcurrentHashMap<>();
    // the sorted names are cached until a project appears or disappears; the generation makes a
    // list computed during such a change stale at once, without a lock shared with the projects
    private final AtomicLong namesGeneration = new AtomicLong();
    private volatile Names names;

    private record Names(long generation, List<String> sorted) {
    }

    private PypiCatalog(BlobStore store, CatalogRecords records) {
        this.store = store;
        this.records = records;
    }

    /**
     * The catalog of {@code snapshot}'s PyPI file records, changed through {@code records} from now
     * on; file bytes and core metadata go to {@code store}.
     */
    public static PypiCatalog of(BlobStore store, CatalogRecords records, CatalogRecords.Snapshot snapshot) {
        PypiCatalog catalog = new PypiCatalog(store, records);
        for (PypiFile record : snapshot.files()) {
            Project project = catalog.project(record.project());
            synchronized (project) {
                project.put(record);
            }
        }
        LOG.log(Level.DEBUG, "PyPI catalog loaded: {0} files of {1} projects", catalog.fileCount(), catalog.projectCount());
        return catalog;
    }

    /**
     * The catalog of {@code names}' projects: the root index lists them at once, and each project's
     * files are read from its supplier when first asked for (under the project's entry, so once).
     */
    public static PypiCatalog of(BlobStore store, CatalogRecords records, CatalogRecords.Names names) {
        PypiCatalog catalog = new PypiCatalog(store, records);
        names.projects().forEach((name, files) -> catalog.projects.put(name, new Project(files)));
        catalog.namesGeneration.incrementAndGet();
        LOG.log(Level.DEBUG, "PyPI catalog loaded: {0} projects, their files read on first use", names.projects().size());
        return catalog;
    }

    /** Replaces what memory holds of {@code normalized} with {@code files} (a change made elsewhere). */
    public void refresh(String normalized, List<PypiFile> files) {
        Project project = project(normalized);
        synchronized (project) {
            boolean had = project.hasFiles();
            project.loader = null;
            project.files.clear();
            for (PypiFile file : files) {
                project.files().put(file.filename(), file);
            }
            project.changed();
            if (had != !project.files().isEmpty()) {
                namesGeneration.incrementAndGet();
            }
        }
    }

    /** Replaces everything memory holds with {@code snapshot} (after changes may have been missed). */
    public void refreshAll(CatalogRecords.Snapshot snapshot) {
        Map<String, List<PypiFile>> byProject = new TreeMap<>();
        for (PypiFile file : snapshot.files()) {
            byProject.computeIfAbsent(file.project(), n -> new ArrayList<>()).add(file);
        }
        for (String name : projects.keySet()) {
            if (!byProject.containsKey(name)) {
                refresh(name, List.of());
            }
        }
        byProject.forEach(this::refresh);
    }

    /** Normalized names of every project with at least one file, sorted. */
    public List<String> projectNames() {
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
            return Optional.ofNullable(project.files().get(filename));
        }
    }

    /**
     * Every file of {@code normalized}, by filename: the same list object until the project next
     * changes; empty when it has no files.
     */
    public List<PypiFile> files(String normalized) {
        Project project = projects.get(normalized);
        if (project == null) {
            return List.of();
        }
        synchronized (project) {
            if (project.snapshot == null) {
                project.snapshot = List.copyOf(project.files().values());
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
            Insert<PypiFile> clash = RecordRules.pypiClash(project.files().values(), candidate);
            if (clash == null) {
                Insert<PypiFile> insert;
                // held while committed: the same bytes may be stored already, unreferenced (see BlobHolds)
                try (BlobHolds holds = new BlobHolds(store)) {
                    holds.hold(candidate.sha256());
                    if (metadata != null) {
                        Sha256 metadataSha = Sha256.ofBytes(metadata);
                        holds.hold(metadataSha);
                        store.putIfAbsent(StoragePaths.blob(metadataSha), new ByteArrayInputStream(metadata));
                    }
                    staged.commitIfAbsent(StoragePaths.blob(candidate.sha256()));
                    insert = records.insertFile(candidate);
                }
                if (insert.created()) {
                    put(project, candidate);
                    return new UploadOutcome(true, candidate);
                }
                // another process got there first: its record wins
                clash = insert;
                put(project, insert.record());
            }
            if (clash.clash() == Insert.Clash.SHADOWED) {
                throw new FileExistsException(clash.record(), candidate.filename() + " would join the release beside this"
                        + " pure wheel, and pip prefers a wheel with more specific tags wherever they fit, so it would be"
                        + " installed in its place; publish a new version instead");
            }
            return sameOrConflict(clash.record(), candidate);
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
            PypiFile record = project.files().get(filename);
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
            List<PypiFile> release = project.files().values().stream()
                    .filter(record -> version(record).compareTo(version) == 0).toList();
            return release.isEmpty() ? List.of() : yank(project, release, yanked, reason);
        }
    }

    private PypiFile yank(Project project, PypiFile record, boolean yanked, String reason) throws IOException {
        return yank(project, List.of(record), yanked, reason).stream().findFirst().orElse(record.withYank(yanked, reason));
    }

    /** Yanks {@code files} of one project in one change of the catalog of record (all or none). */
    private List<PypiFile> yank(Project project, List<PypiFile> files, boolean yanked, String reason) throws IOException {
        List<PypiFile> changed = files.stream().map(f -> f.withYank(yanked, reason)).filter(f -> !files.contains(f)).toList();
        for (PypiFile stored : records.replaceFiles(changed)) {
            put(project, stored);
        }
        return files.stream().map(f -> f.withYank(yanked, reason)).toList();
    }

    /** Removes a file's record (an admin action); the blobs stay, other records may share them. */
    Optional<PypiFile> delete(String normalized, String filename) throws IOException {
        Project project = projects.get(normalized);
        if (project == null) {
            return Optional.empty();
        }
        synchronized (project) {
            PypiFile record = project.files().get(filename);
            if (record == null) {
                return Optional.empty();
            }
            records.deleteFile(normalized, filename);
            project.files().remove(filename);
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
                return p.files().size();
            }
        }).sum();
    }

    private void put(Project project, PypiFile record) {
        boolean wasEmpty = project.files().isEmpty();
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

    /** One project's files; guarded by synchronizing on the entry. */
    private static final class Project {
        final TreeMap<String, PypiFile> files = new TreeMap<>();
        List<PypiFile> snapshot;
        /** Supplies the files not read yet; null once read (or for a project made empty). */
        java.util.function.Supplier<List<PypiFile>> loader;

        Project() {
        }

        Project(java.util.function.Supplier<List<PypiFile>> loader) {
            this.loader = loader;
        }

        /** The files by filename, read first if they have not been. */
        TreeMap<String, PypiFile> files() {
            if (loader != null) {
                for (PypiFile file : loader.get()) {
                    files.put(file.filename(), file);
                }
                loader = null;
            }
            return files;
        }

        void put(PypiFile record) {
            files().put(record.filename(), record);
            changed();
        }

        void changed() {
            snapshot = null;
        }

        /** Whether it has files; a project not read yet is listed by name only because it has some. */
        synchronized boolean hasFiles() {
            return loader != null || !files.isEmpty();
        }
    }
}
