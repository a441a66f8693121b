package io.pkgr.registry.catalog;

import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Version;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The catalog of record: where published bundle versions and PyPI files are kept for good, and the
 * one place that decides who wins when two publishes race. {@link Catalog} and the PyPI face's
 * catalog hold typed snapshots in memory and render from them; every change goes through here
 * first. Implementations: {@link StoreCatalogRecords} (records as files in the {@code BlobStore},
 * with a per-name index; the default) and a PostgreSQL one in its own module, found through a
 * {@link CatalogRecordsProvider}.
 *
 * <p>Inserts enforce the identity rules of {@link RecordRules} under the implementation's own
 * serialisation (a per-name lock in one process, constraints and row locks in a database), so the
 * answer is the same whichever process asks. Every method may be called from many threads at once.
 * Methods that change records throw {@link CatalogUnavailableException} when the catalog of record
 * cannot be reached; reads from the in-memory snapshot go on.
 */
public interface CatalogRecords extends Closeable {

    /** Every record, for the in-memory catalogs at start-up (or a full resynchronisation). */
    Snapshot load() throws IOException;

    /**
     * Every name with records, each name's records read when first asked for: what start-up needs,
     * so it costs one entry per name rather than one parsed record per version or file. This
     * default reads everything through {@link #load()}; a catalog of record that can list names
     * cheaply overrides it. A name's supplier returns its records as {@link #load()} would at the
     * moment it is called (throwing {@link java.io.UncheckedIOException} when they cannot be read),
     * and may return an empty list when the name's records are gone by then.
     */
    default Names loadNames() throws IOException {
        return Names.of(load());
    }

    /**
     * Stores {@code candidate} unless a version of its bundle with the same precedence (the same
     * version, or one differing only in build metadata) is there: then nothing changes and the
     * clashing record is returned with {@link Insert.Clash#SAME}. The blob must be committed before.
     */
    Insert<VersionRecord> insertVersion(VersionRecord candidate) throws IOException;

    /** Replaces the record of the same name and version (a yank or un-yank); empty if there is none. */
    Optional<VersionRecord> replaceVersion(VersionRecord changed) throws IOException;

    /** Removes a version's record; the removed record, or empty if there was none. */
    Optional<VersionRecord> deleteVersion(BundleName name, Version version) throws IOException;

    /**
     * Stores {@code candidate} unless its project has the same distribution under any spelling of
     * its name ({@link RecordRules#sameDistribution}: {@link Insert.Clash#SAME}) or a pure wheel
     * the candidate would shadow ({@link RecordRules#pureWheelShadowedBy}: {@link Insert.Clash#SHADOWED}).
     */
    Insert<PypiFile> insertFile(PypiFile candidate) throws IOException;

    /**
     * Replaces the records of the same project and filenames (yank or un-yank), all or none; returns
     * those that existed, as stored.
     */
    List<PypiFile> replaceFiles(List<PypiFile> changed) throws IOException;

    /** Removes a file's record ({@code project} normalised); the removed record, or empty. */
    Optional<PypiFile> deleteFile(String project, String filename) throws IOException;

    /**
     * Tells {@code listener} about changes other processes make (another replica on the same
     * database). A catalog of record only one process writes never calls it.
     */
    default void subscribe(ChangeListener listener) {
    }

    /** Throws unless writes can reach the catalog of record now (readiness). */
    default void checkReady() throws IOException {
    }

    /**
     * Where users the registry creates itself are kept when the catalog of record is shared by
     * replicas; empty for a catalog only one process writes (its users go to the htpasswd file).
     */
    default Optional<SharedUsers> sharedUsers() {
        return Optional.empty();
    }

    /**
     * Where API tokens are kept when the catalog of record is shared by replicas, so that a token
     * made on one works on all; empty for a catalog only one process writes (tokens then live in a
     * file in the data directory).
     */
    default Optional<io.pkgr.auth.TokenStore> tokenStore() {
        return Optional.empty();
    }

    /**
     * Where the web UI's sessions are kept when the catalog of record is shared by replicas; empty for
     * a catalog only one process writes (sessions then live in that process's memory).
     */
    default Optional<SessionStore> sessionStore() {
        return Optional.empty();
    }

    /** Every record at one moment. */
    record Snapshot(List<VersionRecord> versions, List<PypiFile> files) {
        public Snapshot {
            versions = List.copyOf(versions);
            files = List.copyOf(files);
        }
    }

    /** Every name (normalised) with its records, read on first use; iteration order is the names'. */
    record Names(Map<String, Supplier<List<VersionRecord>>> bundles, Map<String, Supplier<List<PypiFile>>> projects) {
        public Names {
            bundles = Collections.unmodifiableMap(new TreeMap<>(bundles));
            projects = Collections.unmodifiableMap(new TreeMap<>(projects));
        }

        /** The names of a snapshot already read, each supplying its records from it. */
        public static Names of(Snapshot snapshot) {
            Map<String, List<VersionRecord>> versions = new TreeMap<>();
            for (VersionRecord record : snapshot.versions()) {
                versions.computeIfAbsent(record.name().normalized(), n -> new ArrayList<>()).add(record);
            }
            Map<String, List<PypiFile>> files = new TreeMap<>();
            for (PypiFile file : snapshot.files()) {
                files.computeIfAbsent(file.project(), n -> new ArrayList<>()).add(file);
            }
            Map<String, Supplier<List<VersionRecord>>> bundles = new TreeMap<>();
            versions.forEach((name, list) -> bundles.put(name, () -> list));
            Map<String, Supplier<List<PypiFile>>> projects = new TreeMap<>();
            files.forEach((name, list) -> projects.put(name, () -> list));
            return new Names(bundles, projects);
        }
    }

    /** Changes made elsewhere, delivered as the whole current state of the name that changed. */
    interface ChangeListener {
        /** Every version of {@code name} (normalised) now; empty when none is left. */
        void bundleChanged(String name, List<VersionRecord> versions);

        /** Every file of {@code project} (normalised) now; empty when none is left. */
        void projectChanged(String project, List<PypiFile> files);

        /** Everything, after changes may have been missed: replace the whole in-memory state. */
        void reloaded(Snapshot snapshot);
    }
}
