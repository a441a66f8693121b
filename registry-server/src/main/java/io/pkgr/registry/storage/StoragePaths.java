package io.pkgr.registry.storage;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;

/**
 * The one place that knows which path holds what.
 *
 * <pre>
 * blobs/sha256/ab/abcdef…            content-addressed bytes (bundles, wheels, jars)
 * bundles/NAME/VERSION.json          version record (NAME is the PEP 503 normalized name)
 * pypi/NAME/FILENAME.json            file record for the PyPI face (NAME normalized; the
 *                                    file's bytes and its core metadata are blobs)
 * uploads/NAME/HEX                   marker: a blob was uploaded for a layered publish of NAME
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
