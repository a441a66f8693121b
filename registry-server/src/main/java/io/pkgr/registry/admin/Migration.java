package io.pkgr.registry.admin;

import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.catalog.BlobReferences;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.Insert;
import io.pkgr.registry.storage.BlobStat;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.PutResult;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StoragePaths;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Copies a registry's blobs and records to another storage and catalog of record. Blobs first,
 * records second (as a publish does), so an interrupted run leaves at worst blobs no record names
 * yet. Re-running is safe and cheap: a blob already at the destination is read back and its digest
 * checked instead of copied again; a record already there is left alone (or, when only its yank
 * differs, brought up to date). Every copied blob is hashed while it streams and committed only
 * when its bytes match its name, so a corrupt source blob is reported and never copied, and the
 * records that need it are held back.
 */
public final class Migration {

    private final BlobStore source;
    private final BlobStore target;
    private final CatalogRecords targetRecords;
    private final Consumer<String> progress;
    private final List<String> problems = new ArrayList<>();
    private long blobsCopied;
    private long bytesCopied;
    private long blobsPresent;
    private long bytesVerified;
    private long recordsWritten;
    private long recordsPresent;

    /** {@code progress} gets one line per blob copied or verified (for a log or a terminal). */
    public Migration(BlobStore source, BlobStore target, CatalogRecords targetRecords, Consumer<String> progress) {
        this.source = source;
        this.target = target;
        this.targetRecords = targetRecords;
        this.progress = progress;
    }

    /** Copies every blob of the source, then every record of {@code records} whose blobs arrived intact. */
    public MigrationReport run(CatalogRecords.Snapshot records) throws IOException {
        Set<Sha256> intact = copyBlobs();
        for (VersionRecord version : records.versions()) {
            if (blobsArrived(BlobReferences.of(version), intact)) {
                copy(version);
            }
        }
        for (PypiFile file : records.files()) {
            if (blobsArrived(BlobReferences.of(file), intact)) {
                copy(file);
            }
        }
        // the Maven face keeps its records in the store, not the catalog of record: copied as they are
        for (BlobReferences.MavenRecord maven : BlobReferences.mavenRecords(source)) {
            if (blobsArrived(List.of(maven.blob()), intact)) {
                copy(maven);
            }
        }
        return new MigrationReport(blobsCopied, bytesCopied, blobsPresent, bytesVerified, recordsWritten, recordsPresent,
                problems);
    }

    /** Every blob under {@code blobs/}; the digests now intact at the destination. */
    private Set<Sha256> copyBlobs() throws IOException {
        Set<Sha256> intact = new HashSet<>();
        for (RepoPath path : source.list(StoragePaths.BLOBS)) {
            Optional<Sha256> digest = BlobCheck.digestOf(path);
            if (digest.isEmpty()) {
                problems.add("not copied: " + path + " is not a blob path (blobs/sha256/XX/DIGEST)");
            } else if (copyBlob(path, digest.get())) {
                intact.add(digest.get());
            }
        }
        return intact;
    }

    private boolean copyBlob(RepoPath path, Sha256 digest) throws IOException {
        Optional<BlobStat> there = target.stat(path);
        if (there.isPresent()) {
            Sha256 actual = BlobCheck.hash(target, path);
            if (!actual.equals(digest)) {
                problems.add("the destination's " + path + " holds other bytes (sha256:" + actual.hex()
                        + "); left as it is: delete it there and run again");
                return false;
            }
            blobsPresent++;
            bytesVerified += there.get().size();
            progress.accept("verified " + path);
            return true;
        }
        try (InputStream in = source.get(path, null).open(); StagedBlob staged = target.stage(in, Long.MAX_VALUE)) {
            String actual = staged.digests().sha256();
            if (!digest.hex().equals(actual)) {
                problems.add("corrupt source blob " + path + ": its bytes hash to sha256:" + actual + "; not copied");
                return false;
            }
            PutResult put = staged.commitIfAbsent(path);
            if (put.created()) {
                blobsCopied++;
                bytesCopied += staged.digests().size();
                progress.accept("copied " + path + " (" + staged.digests().size() + " bytes)");
            } else {
                blobsPresent++; // another run put it there meanwhile: content-addressed, so the same bytes
            }
            return true;
        }
    }

    private boolean blobsArrived(List<BlobReferences.Reference> references, Set<Sha256> intact) {
        for (BlobReferences.Reference reference : references) {
            if (!intact.contains(reference.digest())) {
                problems.add("not copied: the record of " + reference.role() + " (its blob sha256:"
                        + reference.digest().hex() + " is missing or corrupt in the source)");
                return false;
            }
        }
        return true;
    }

    private void copy(VersionRecord version) throws IOException {
        Insert<VersionRecord> insert = targetRecords.insertVersion(version);
        if (insert.created()) {
            if (version.yanked()) {
                targetRecords.replaceVersion(version); // an insert is a publish: a database keeps yanks apart
            }
            recordsWritten++;
        } else if (insert.record().equals(version)) {
            recordsPresent++;
        } else if (insert.record().version().equals(version.version()) && insert.record().sha256().equals(version.sha256())) {
            targetRecords.replaceVersion(version); // yanked or un-yanked at the source since the last run
            recordsWritten++;
        } else {
            problems.add("not copied: bundle " + version.name() + " " + version.version() + " clashes with "
                    + insert.record().version() + " (sha256:" + insert.record().sha256().hex() + ") at the destination");
        }
    }

    private void copy(BlobReferences.MavenRecord maven) throws IOException {
        if (target.putIfAbsent(maven.path(), new java.io.ByteArrayInputStream(maven.json())).created()) {
            recordsWritten++;
        } else {
            recordsPresent++;
        }
    }

    private void copy(PypiFile file) throws IOException {
        Insert<PypiFile> insert = targetRecords.insertFile(file);
        if (insert.created()) {
            if (file.yanked()) {
                targetRecords.replaceFiles(List.of(file));
            }
            recordsWritten++;
        } else if (insert.record().equals(file)) {
            recordsPresent++;
        } else if (insert.record().filename().equals(file.filename()) && insert.record().sha256().equals(file.sha256())) {
            targetRecords.replaceFiles(List.of(file));
            recordsWritten++;
        } else {
            problems.add("not copied: pypi " + file.project() + "/" + file.filename() + " clashes with "
                    + insert.record().filename() + " at the destination (" + insert.clash() + ")");
        }
    }
}
