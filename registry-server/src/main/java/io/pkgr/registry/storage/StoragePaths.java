package io.pkgr.registry.storage;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.util.List;

/**
 * The one place that knows which path holds what.
 *
 * <pre>
 * blobs/sha256/ab/abcdef…            content-addressed bytes (bundles, wheels, jars)
 * bundles/NAME/VERSION.json          version record (NAME is the PEP 503 normalized name)
 * pypi/NAME/FILENAME.json            file record for the PyPI face (NAME normalized; the
 *                                    file's bytes and its core metadata are blobs)
 * uploads/NAME/HEX                   marker: a blob was uploaded for a layered publish of NAME
 * holds/HEX/ID                       a publish in progress uses the blob HEX: garbage collection
 *                                    keeps it (see BlobHolds)
 * collecting/ID                      a garbage collection is running: publishes keep their holds
 *                                    until it is over (see BlobHolds)
 * pins/ID.json                       a lock file registered with the registry (retention keeps
 *                                    the versions it pins)
 * maven/GROUP/…/ARTIFACT/VERSION/FILE.json   record of one Maven file (GROUP split at its dots;
 *                                    the bytes are a blob; no record for maven-metadata.xml
 *                                    or checksums: the registry generates those)
 * index/bundles/NAME.json            every version record of NAME, one JSON array: read at
 * index/pypi/NAME.json               start-up instead of one file per record (see
 * index/pending/bundles|pypi/NAME    StoreCatalogRecords); a pending marker says the name's
 * index/complete                     index may be stale; "complete" that every name has one
 * </pre>
 */
public final class StoragePaths {

    public static final RepoPath BLOBS = RepoPath.of("blobs");
    public static final RepoPath BUNDLES = RepoPath.of("bundles");
    public static final RepoPath PYPI = RepoPath.of("pypi");
    public static final RepoPath MAVEN = RepoPath.of("maven");
    public static final RepoPath INDEX = RepoPath.of("index");
    public static final RepoPath UPLOADS = RepoPath.of("uploads");
    public static final RepoPath HOLDS = RepoPath.of("holds");
    public static final RepoPath COLLECTING = RepoPath.of("collecting");
    public static final RepoPath PINS = RepoPath.of("pins");
    public static final RepoPath INDEX_COMPLETE = RepoPath.of("index", "complete");
    private static final String RECORD_SUFFIX = ".json";

    private StoragePaths() {
    }

    /** Where the bytes with this digest live. */
    public static RepoPath blob(Sha256 digest) {
        String hex = digest.hex();
        return RepoPath.of("blobs", "sha256", hex.substring(0, 2), hex);
    }

    /** The record of one published version. */
    public static RepoPath bundleRecord(BundleName name, Version version) {
        return RepoPath.of("bundles", name.normalized(), version + RECORD_SUFFIX);
    }

    /** True for paths {@link #bundleRecord} produces. */
    public static boolean isBundleRecord(RepoPath path) {
        return path.startsWith(BUNDLES) && path.segments().size() == 3 && path.fileName().endsWith(RECORD_SUFFIX);
    }

    /** The marker saying the blob {@code digest} was uploaded by a publisher of {@code name} (empty content). */
    public static RepoPath uploadMarker(BundleName name, Sha256 digest) {
        return RepoPath.of("uploads", name.normalized(), digest.hex());
    }

    /** One hold on the blob {@code digest} ({@code id} tells concurrent holders apart). */
    public static RepoPath hold(Sha256 digest, String id) {
        return RepoPath.of("holds", digest.hex(), id);
    }

    /** The digest a hold or upload marker is about (its path's last hex segment), or null. */
    public static Sha256 heldDigest(RepoPath path) {
        List<String> segments = path.segments();
        for (int i = segments.size() - 1; i >= 0; i--) {
            String s = segments.get(i);
            if (s.length() == 64 && s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return Sha256.parse(s);
            }
        }
        return null;
    }

    /** A registered lock file, named by the sha256 of its bytes. */
    public static RepoPath pin(Sha256 lockSha256) {
        return RepoPath.of("pins", lockSha256.hex() + RECORD_SUFFIX);
    }

    /** The record of one PyPI distribution file ({@code normalizedProject} is PEP 503 normalized). */
    public static RepoPath pypiRecord(String normalizedProject, String filename) {
        return RepoPath.of("pypi", normalizedProject, filename + RECORD_SUFFIX);
    }

    /** True for paths {@link #pypiRecord} produces. */
    public static boolean isPypiRecord(RepoPath path) {
        return path.startsWith(PYPI) && path.segments().size() == 3 && path.fileName().endsWith(RECORD_SUFFIX);
    }

    /** The record of one Maven file; {@code repositoryPath} is its path in the Maven 2 layout, already checked. */
    public static RepoPath mavenRecord(String repositoryPath) {
        return RepoPath.of("maven/" + repositoryPath + RECORD_SUFFIX);
    }

    /** The Maven layout path of a record {@link #mavenRecord} produced, or null for any other path. */
    public static String mavenPathOf(RepoPath record) {
        String value = record.value();
        if (!record.startsWith(MAVEN) || !value.endsWith(RECORD_SUFFIX) || record.segments().size() < 5) {
            return null;
        }
        return value.substring("maven/".length(), value.length() - RECORD_SUFFIX.length());
    }

    /** The index of every version record of one bundle (normalised name). */
    public static RepoPath bundleIndex(String normalizedName) {
        return RepoPath.of("index", "bundles", normalizedName + RECORD_SUFFIX);
    }

    /** The index of every file record of one PyPI project (normalised name). */
    public static RepoPath pypiIndex(String normalizedProject) {
        return RepoPath.of("index", "pypi", normalizedProject + RECORD_SUFFIX);
    }

    /** Present while the index of one bundle may not match its records (a change in flight or cut short). */
    public static RepoPath bundleIndexPending(String normalizedName) {
        return RepoPath.of("index", "pending", "bundles", normalizedName);
    }

    /** Present while the index of one PyPI project may not match its records. */
    public static RepoPath pypiIndexPending(String normalizedProject) {
        return RepoPath.of("index", "pending", "pypi", normalizedProject);
    }
}
