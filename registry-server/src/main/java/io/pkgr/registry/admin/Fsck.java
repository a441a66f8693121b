package io.pkgr.registry.admin;

import io.pkgr.bundle.Sha256;
import io.pkgr.registry.catalog.BlobReferences;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.storage.BlobStat;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StoragePaths;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a registry without changing it: every blob a record references ({@link BlobReferences})
 * exists with the size the record states and, unless quick, hashes to its digest (read once per
 * digest, however many records share it); every blob under {@code blobs/} that no record
 * references is listed with its size.
 */
public final class Fsck {

    private final BlobStore store;
    private final boolean quick;

    /** {@code quick}: existence and size only, without reading the bytes. */
    public Fsck(BlobStore store, boolean quick) {
        this.store = store;
        this.quick = quick;
    }

    /** First puts back what an interrupted garbage collection set aside ({@link BlobStore#recoverSetAside}). */
    public FsckReport run(CatalogRecords.Snapshot records) throws IOException {
        store.recoverSetAside();
        List<BlobReferences.Reference> references = new ArrayList<>(BlobReferences.of(records));
        List<BlobReferences.MavenRecord> maven = BlobReferences.mavenRecords(store);
        maven.forEach(record -> references.add(record.blob()));
        // a layered version's assembled whole file is checked when it is stored; its absence is no problem
        for (io.pkgr.api.VersionRecord version : records.versions()) {
            Optional<BlobReferences.Reference> copy = BlobReferences.assembledCopy(version);
            if (copy.isPresent() && store.stat(StoragePaths.blob(copy.get().digest())).isPresent()) {
                references.add(copy.get());
            }
        }
        Map<Sha256, String> verdicts = new HashMap<>(); // digest → problem ("" when intact)
        List<String> problems = new ArrayList<>();
        long bytesHashed = 0;
        for (BlobReferences.Reference reference : references) {
            String verdict = verdicts.get(reference.digest());
            if (verdict == null) {
                RepoPath path = StoragePaths.blob(reference.digest());
                Optional<BlobStat> stat = store.stat(path);
                if (stat.isEmpty()) {
                    verdict = "missing blob " + path;
                } else if (stat.get().size() != reference.size()) {
                    verdict = "blob " + path + " has " + stat.get().size() + " bytes, the record says " + reference.size();
                } else if (!quick) {
                    Sha256 actual = BlobCheck.hash(store, path);
                    bytesHashed += stat.get().size();
                    verdict = actual.equals(reference.digest()) ? ""
                            : "blob " + path + " has other bytes (they hash to sha256:" + actual.hex() + ")";
                } else {
                    verdict = "";
                }
                verdicts.put(reference.digest(), verdict);
            }
            if (!verdict.isEmpty()) {
                problems.add(reference.role() + ": " + verdict);
            }
        }
        List<String> unreferenced = new ArrayList<>();
        long unreferencedBytes = 0;
        for (RepoPath path : store.list(StoragePaths.BLOBS)) {
            Optional<Sha256> digest = BlobCheck.digestOf(path);
            if (digest.isEmpty() || !verdicts.containsKey(digest.get())) {
                long size = store.stat(path).map(BlobStat::size).orElse(0L);
                unreferencedBytes += size;
                unreferenced.add(path + " (" + size + " bytes" + (digest.isEmpty() ? ", not a blob path" : "") + ")");
            }
        }
        return new FsckReport(records.versions().size() + records.files().size() + maven.size(), verdicts.size(), bytesHashed,
                problems, unreferenced, unreferencedBytes);
    }
}
