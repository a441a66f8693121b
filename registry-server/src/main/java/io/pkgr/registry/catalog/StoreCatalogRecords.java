package io.pkgr.registry.catalog;

import io.pkgr.api.ApiJson;
import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Version;
import io.pkgr.registry.storage.BlobNotFoundException;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.PutResult;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StoragePaths;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The catalog of record as files in the {@link BlobStore}, the embedded default: one JSON record per
 * version ({@code bundles/NAME/VERSION.json}) and per PyPI file ({@code pypi/NAME/FILE.json}), as
 * ever, plus one index per name ({@code index/bundles/NAME.json}, {@code index/pypi/NAME.json})
 * holding all of that name's records, so start-up reads one file per name instead of one per record.
 *
 * <p>The records are the truth; an index is a copy kept under the name's lock. A change to a name
 * first writes its pending marker ({@code index/pending/…/NAME}), then the record, then the index,
 * then removes the marker. A crash anywhere in between leaves the marker, and whoever next reads
 * that name (start-up or the next change) rebuilds its index from the records: a file is never lost
 * or invented. A data directory without {@code index/complete} (written by an older version) is
 * read record by record once, and its indexes are written then. Put-if-absent of the record keeps
 * one winner per version even when another process shares the directory; the index and the rules
 * are kept per process (a database is the catalog of record for several replicas).
 */
public final class StoreCatalogRecords implements CatalogRecords {

    private static final System.Logger LOG = System.getLogger(StoreCatalogRecords.class.getName());
    private static final byte[] COMPLETE = "1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int LOCK_STRIPES = 256;

    private final BlobStore store;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final Kind<VersionRecord> bundles = new Kind<>("bundles", StoragePaths.BUNDLES, VersionRecord[].class,
            VersionRecord.class, r -> r.name().normalized(), r -> StoragePaths.bundleRecord(r.name(), r.version()),
            StoragePaths::bundleIndex, StoragePaths::bundleIndexPending, StoragePaths::isBundleRecord,
            Comparator.comparing(VersionRecord::version));
    private final Kind<PypiFile> pypi = new Kind<>("pypi", StoragePaths.PYPI, PypiFile[].class, PypiFile.class,
            PypiFile::project, r -> StoragePaths.pypiRecord(r.project(), r.filename()),
            StoragePaths::pypiIndex, StoragePaths::pypiIndexPending, StoragePaths::isPypiRecord,
            Comparator.comparing(PypiFile::filename));

    public StoreCatalogRecords(BlobStore store) {
        this.store = store;
        Arrays.setAll(locks, i -> new Object());
    }

    /** How one kind of record is laid out. */
    private record Kind<T>(String label, RepoPath root, Class<T[]> arrayType, Class<T> type, Function<T, String> nameOf,
            Function<T, RepoPath> pathOf, Function<String, RepoPath> indexOf, Function<String, RepoPath> pendingOf,
            Predicate<RepoPath> isRecord, Comparator<T> order) {
    }

    @Override
    public Snapshot load() throws IOException {
        long started = System.nanoTime();
        boolean indexed = store.stat(StoragePaths.INDEX_COMPLETE).isPresent();
        Snapshot snapshot = indexed ? loadIndexes() : loadRecordsAndIndex();
        LOG.log(Level.INFO, "catalog read {0}: {1} bundle versions, {2} PyPI files in {3} ms",
                indexed ? "from its indexes" : "record by record (indexes written now)",
                snapshot.versions().size(), snapshot.files().size(), (System.nanoTime() - started) / 1_000_000);
        return snapshot;
    }

    /**
     * Every record file, read one by one and changing nothing (no index is read, repaired or
     * written): the records are the truth, so this is what {@code pkgr admin} copies and checks.
     */
    public Snapshot readRecordFiles() throws IOException {
        Map<String, List<VersionRecord>> versions = readAll(bundles);
        Map<String, List<PypiFile>> files = readAll(pypi);
        return new Snapshot(versions.values().stream().flatMap(List::stream).toList(),
                files.values().stream().flatMap(List::stream).toList());
    }

    /**
     * The names from the listing of the indexes alone (names with a pending marker rebuilt first);
     * a name's index is read, checked and parsed when its records are first asked for, with the
     * same fall-back to its records as {@link #load()}. Before the indexes exist: {@link #load()}.
     */
    @Override
    public Names loadNames() throws IOException {
        long started = System.nanoTime();
        if (store.stat(StoragePaths.INDEX_COMPLETE).isEmpty()) {
            return Names.of(load());
        }
        List<RepoPath> paths = store.list(StoragePaths.INDEX);
        if (repairPending(paths)) {
            paths = store.list(StoragePaths.INDEX); // a repaired name may have lost its last record
        }
        Map<String, java.util.function.Supplier<List<VersionRecord>>> bundleNames = new java.util.TreeMap<>();
        for (String name : names(paths, "bundles/", ".json")) {
            bundleNames.put(name, () -> current(bundles, name));
        }
        Map<String, java.util.function.Supplier<List<PypiFile>>> projects = new java.util.TreeMap<>();
        for (String name : names(paths, "pypi/", ".json")) {
            projects.put(name, () -> current(pypi, name));
        }
        LOG.log(Level.INFO, "catalog read from its indexes: {0} bundles, {1} PyPI projects in {2} ms"
                + " (each name''s records are read when first asked for)",
                bundleNames.size(), projects.size(), (System.nanoTime() - started) / 1_000_000);
        return new Names(bundleNames, projects);
    }

    /** Rebuilds the index of every name with a pending marker; whether there was any. */
    private boolean repairPending(List<RepoPath> paths) throws IOException {
        Set<String> pendingBundles = names(paths, "pending/bundles/", "");
        Set<String> pendingPypi = names(paths, "pending/pypi/", "");
        for (String name : pendingBundles) {
            repair(bundles, name);
        }
        for (String name : pendingPypi) {
            repair(pypi, name);
        }
        return !pendingBundles.isEmpty() || !pendingPypi.isEmpty();
    }

    /** Every index, read in parallel; names with a pending marker are rebuilt from their records first. */
    private Snapshot loadIndexes() throws IOException {
        List<RepoPath> paths = store.list(StoragePaths.INDEX);
        repairPending(paths);
        ConcurrentLinkedQueue<VersionRecord> versions = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<PypiFile> files = new ConcurrentLinkedQueue<>();
        List<Runnable> reads = new ArrayList<>();
        for (String name : names(paths, "bundles/", ".json")) {
            reads.add(() -> versions.addAll(current(bundles, name)));
        }
        for (String name : names(paths, "pypi/", ".json")) {
            reads.add(() -> files.addAll(current(pypi, name)));
        }
        unchecked(() -> reads.parallelStream().forEach(Runnable::run));
        return new Snapshot(new ArrayList<>(versions), new ArrayList<>(files));
    }

    private static Set<String> names(List<RepoPath> paths, String under, String suffix) {
        String prefix = StoragePaths.INDEX.value() + "/" + under;
        return paths.stream().map(RepoPath::value)
                .filter(p -> p.startsWith(prefix) && p.endsWith(suffix) && p.indexOf('/', prefix.length()) < 0)
                .map(p -> p.substring(prefix.length(), p.length() - suffix.length()))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** A data directory from before the indexes: every record once, then an index per name, then the stamp. */
    private Snapshot loadRecordsAndIndex() throws IOException {
        Map<String, List<VersionRecord>> versions = readAll(bundles);
        Map<String, List<PypiFile>> files = readAll(pypi);
        try {
            unchecked(() -> versions.entrySet().parallelStream().forEach(e -> uncheckedRun(() -> writeIndex(bundles, e.getKey(), e.getValue()))));
            unchecked(() -> files.entrySet().parallelStream().forEach(e -> uncheckedRun(() -> writeIndex(pypi, e.getKey(), e.getValue()))));
            store.replace(StoragePaths.INDEX_COMPLETE, COMPLETE);
        } catch (IOException e) {
            // still served from memory; the next start reads record by record again
            LOG.log(Level.WARNING, "could not write the catalog indexes: {0}", e.getMessage());
        }
        return new Snapshot(versions.values().stream().flatMap(List::stream).toList(),
                files.values().stream().flatMap(List::stream).toList());
    }

    private <T> Map<String, List<T>> readAll(Kind<T> kind) throws IOException {
        List<RepoPath> paths = store.list(kind.root()).stream().filter(kind.isRecord()).toList();
        Map<String, List<T>> byName = new ConcurrentHashMap<>();
        paths.parallelStream().forEach(path -> {
            T record = readRecord(kind, path);
            if (record != null) {
                byName.computeIfAbsent(kind.nameOf().apply(record), n -> java.util.Collections.synchronizedList(new ArrayList<>()))
                        .add(record);
            }
        });
        byName.replaceAll((name, list) -> sorted(kind, list));
        return byName;
    }

    /** One record file, checked to be where it belongs; null (logged) when unreadable. */
    private <T> T readRecord(Kind<T> kind, RepoPath path) {
        try (InputStream in = store.get(path, null).open()) {
            T record = ApiJson.read(in, kind.type());
            if (!kind.pathOf().apply(record).equals(path)) {
                throw new IOException("the record names another " + kind.pathOf().apply(record));
            }
            return record;
        } catch (BlobNotFoundException e) {
            return null; // deleted while listed
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "skipping unreadable catalog record {0}: {1}", path, e.getMessage());
            return null;
        }
    }

    /** Rebuilds a name's index from its records and clears its marker (start-up). */
    private <T> void repair(Kind<T> kind, String name) throws IOException {
        synchronized (lock(kind, name)) {
            List<T> records = fromRecords(kind, name);
            writeIndex(kind, name, records);
            store.delete(kind.pendingOf().apply(name));
            LOG.log(Level.INFO, "rebuilt the {0} index of {1} from its {2} records (a change was cut short)",
                    kind.label(), name, records.size());
        }
    }

    /** A name's records as its index holds them, or rebuilt from the records when the index may be stale. */
    private <T> List<T> current(Kind<T> kind, String name) {
        try {
            if (store.stat(kind.pendingOf().apply(name)).isEmpty()) {
                try (InputStream in = store.get(kind.indexOf().apply(name), null).open()) {
                    List<T> records = List.of(ApiJson.read(in, kind.arrayType()));
                    if (records.stream().allMatch(r -> kind.nameOf().apply(r).equals(name))) {
                        return records;
                    }
                    LOG.log(Level.WARNING, "the {0} index of {1} names other records: rebuilding it", kind.label(), name);
                } catch (BlobNotFoundException e) {
                    // a name without an index has no records, unless something went wrong: look
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "unreadable {0} index of {1} ({2}): rebuilding it", kind.label(), name, e.getMessage());
                }
            }
            return fromRecords(kind, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> List<T> fromRecords(Kind<T> kind, String name) throws IOException {
        List<T> records = new ArrayList<>();
        for (RepoPath path : store.list(kind.root().resolve(name))) {
            if (kind.isRecord().test(path)) {
                T record = readRecord(kind, path);
                if (record != null) {
                    records.add(record);
                }
            }
        }
        return sorted(kind, records);
    }

    private <T> List<T> sorted(Kind<T> kind, Collection<T> records) {
        List<T> list = new ArrayList<>(records);
        list.sort(kind.order());
        return list;
    }

    private <T> void writeIndex(Kind<T> kind, String name, List<T> records) throws IOException {
        RepoPath index = kind.indexOf().apply(name);
        if (records.isEmpty()) {
            store.delete(index);
        } else {
            store.replace(index, ApiJson.bytes(records));
        }
    }

    private Object lock(Kind<?> kind, String name) {
        return locks[Math.floorMod((kind.label() + "/" + name).hashCode(), LOCK_STRIPES)];
    }

    /**
     * One change to one name, under its lock: marker, {@code change} (which writes the record and
     * returns the records after it, or null when it changed nothing), index, marker removed.
     */
    private <T, R> R change(Kind<T> kind, String name, BiFunction<List<T>, Runnable, R> change,
            Function<R, List<T>> after) throws IOException {
        synchronized (lock(kind, name)) {
            RepoPath pending = kind.pendingOf().apply(name);
            List<T> before;
            try {
                before = current(kind, name);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            boolean[] marked = {false};
            Runnable mark = () -> uncheckedRun(() -> {
                store.replace(pending, new byte[0]);
                marked[0] = true;
            });
            R result;
            try {
                result = change.apply(new ArrayList<>(before), mark);
            } catch (RuntimeException e) {
                if (marked[0]) {
                    restore(kind, name);
                }
                if (e instanceof UncheckedIOException u) {
                    throw u.getCause();
                }
                throw e;
            }
            if (marked[0]) {
                List<T> records = after.apply(result);
                writeIndex(kind, name, sorted(kind, records == null ? fromRecords(kind, name) : records));
                store.delete(pending);
            }
            return result;
        }
    }

    /** After a failed change: the index from whatever records are there now, if storage lets us (else the marker stays). */
    private <T> void restore(Kind<T> kind, String name) {
        try {
            writeIndex(kind, name, fromRecords(kind, name));
            store.delete(kind.pendingOf().apply(name));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "the {0} index of {1} stays pending: {2}", kind.label(), name, e.getMessage());
        }
    }

    @Override
    public Insert<VersionRecord> insertVersion(VersionRecord candidate) throws IOException {
        return insert(bundles, candidate, (records, c) -> {
            VersionRecord clash = RecordRules.precedenceClash(records, c.version());
            return clash == null ? null : Insert.clash(clash, Insert.Clash.SAME);
        });
    }

    @Override
    public Insert<PypiFile> insertFile(PypiFile candidate) throws IOException {
        return insert(pypi, candidate, RecordRules::pypiClash);
    }

    private <T> Insert<T> insert(Kind<T> kind, T candidate, BiFunction<List<T>, T, Insert<T>> rules) throws IOException {
        String name = kind.nameOf().apply(candidate);
        List<List<T>> after = new ArrayList<>(1);
        return change(kind, name, (records, mark) -> {
            Insert<T> clash = rules.apply(records, candidate);
            if (clash != null) {
                return clash;
            }
            mark.run();
            RepoPath path = kind.pathOf().apply(candidate);
            PutResult put = uncheckedGet(() -> store.putIfAbsent(path, new ByteArrayInputStream(ApiJson.bytes(candidate))));
            if (!put.created()) {
                // another process sharing the storage got there first: its record wins, and this
                // index missed it, so it is rebuilt from the records
                after.add(null);
                T theirs = readRecord(kind, path);
                return theirs == null ? Insert.clash(candidate, Insert.Clash.SAME) : Insert.clash(theirs, Insert.Clash.SAME);
            }
            records.add(candidate);
            after.add(records);
            return Insert.created(candidate);
        }, result -> after.get(0));
    }

    @Override
    public Optional<VersionRecord> replaceVersion(VersionRecord changed) throws IOException {
        List<VersionRecord> replaced = replace(bundles, changed.name().normalized(), List.of(changed),
                (a, b) -> a.version().equals(b.version()));
        return replaced.stream().findFirst();
    }

    @Override
    public List<PypiFile> replaceFiles(List<PypiFile> changed) throws IOException {
        if (changed.isEmpty()) {
            return List.of();
        }
        String project = changed.get(0).project();
        if (changed.stream().anyMatch(f -> !f.project().equals(project))) {
            throw new IllegalArgumentException("files of more than one project");
        }
        return replace(pypi, project, changed, (a, b) -> a.filename().equals(b.filename()));
    }

    private <T> List<T> replace(Kind<T> kind, String name, List<T> changed, BiFunction<T, T, Boolean> same)
            throws IOException {
        List<List<T>> after = new ArrayList<>(1);
        return change(kind, name, (records, mark) -> {
            List<T> replaced = new ArrayList<>();
            for (T record : changed) {
                for (int i = 0; i < records.size(); i++) {
                    if (same.apply(records.get(i), record)) {
                        if (replaced.isEmpty()) {
                            mark.run();
                        }
                        uncheckedRun(() -> store.replace(kind.pathOf().apply(record), ApiJson.bytes(record)));
                        records.set(i, record);
                        replaced.add(record);
                    }
                }
            }
            after.add(records);
            return replaced;
        }, result -> after.get(0));
    }

    @Override
    public Optional<VersionRecord> deleteVersion(BundleName name, Version version) throws IOException {
        return delete(bundles, name.normalized(), r -> r.version().equals(version));
    }

    @Override
    public Optional<PypiFile> deleteFile(String project, String filename) throws IOException {
        return delete(pypi, project, r -> r.filename().equals(filename));
    }

    private <T> Optional<T> delete(Kind<T> kind, String name, Predicate<T> which) throws IOException {
        List<List<T>> after = new ArrayList<>(1);
        return change(kind, name, (records, mark) -> {
            Optional<T> found = records.stream().filter(which).findFirst();
            found.ifPresent(record -> {
                mark.run();
                uncheckedRun(() -> store.delete(kind.pathOf().apply(record)));
                records.remove(record);
            });
            after.add(records);
            return found;
        }, result -> after.get(0));
    }

    @Override
    public void close() {
        // the store belongs to whoever opened it
    }

    private interface IoRunnable {
        void run() throws IOException;
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static void uncheckedRun(IoRunnable r) {
        try {
            r.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T uncheckedGet(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void unchecked(Runnable r) throws IOException {
        try {
            r.run();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
