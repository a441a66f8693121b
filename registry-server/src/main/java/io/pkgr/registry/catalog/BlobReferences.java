package io.pkgr.registry.catalog;

import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.api.ApiJson;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StoragePaths;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that says which blobs a record references: what {@code pkgr admin migrate} copies
 * before the record and what {@code pkgr admin fsck} checks. A record kind that comes to reference
 * more blobs (a bundle's layers, say) is added here and both commands follow.
 */
public final class BlobReferences {

    /** One blob a record needs: its digest, the size the record states, and what it is for the reports. */
    public record Reference(Sha256 digest, long size, String role) {
    }

    private BlobReferences() {
    }

    /**
     * The blobs of a bundle version: its archive when it is stored whole, and with layers the files
     * layer and each {@code deps/} payload (see {@link VersionRecord#blobReferences()}).
     */
    public static List<Reference> of(VersionRecord record) {
        String bundle = "bundle " + record.name() + " " + record.version();
        List<Reference> references = new ArrayList<>();
        if (record.bundleStored()) {
            references.add(new Reference(record.sha256(), record.size(), bundle));
        }
        if (record.layers() != null && record.layers().files() != null) {
            references.add(new Reference(record.layers().files().sha256(), record.layers().files().size(), bundle + " files layer"));
        }
        record.layerBlobs().forEach((path, blob) -> references.add(new Reference(blob.sha256(), blob.size(), bundle + " " + path)));
        return references;
    }

    /**
     * The stored whole file of a version kept only as layers: the registry assembles it on the first
     * whole download and stores it under the record's sha256 (it may be absent). It belongs to the
     * version: garbage collection keeps it while the version exists; fsck checks it when present.
     */
    public static java.util.Optional<Reference> assembledCopy(VersionRecord record) {
        return record.bundleStored() ? java.util.Optional.empty() : java.util.Optional.of(new Reference(record.sha256(),
                record.size(), "bundle " + record.name() + " " + record.version() + " (assembled whole file)"));
    }

    /** The blobs of a PyPI file: the distribution and, for a wheel, its core metadata (PEP 658). */
    public static List<Reference> of(PypiFile file) {
        List<Reference> references = new ArrayList<>(2);
        references.add(new Reference(file.sha256(), file.size(), "pypi " + file.project() + "/" + file.filename()));
        if (file.metadataSha256() != null) {
            references.add(new Reference(file.metadataSha256(), file.metadataSize(),
                    "pypi " + file.project() + "/" + file.filename() + ".metadata"));
        }
        return references;
    }

    /** Every blob {@code snapshot}'s records reference, in record order (a digest may repeat). */
    public static List<Reference> of(CatalogRecords.Snapshot snapshot) {
        List<Reference> references = new ArrayList<>();
        snapshot.versions().forEach(v -> references.addAll(of(v)));
        snapshot.files().forEach(f -> references.addAll(of(f)));
        return references;
    }

    /**
     * The Maven face's records, kept in the store beside their blobs ({@code maven/PATH.json}, see
     * {@link StoragePaths#mavenRecord}): each record's path with the blob it references.
     */
    public static List<MavenRecord> mavenRecords(BlobStore store) throws IOException {
        List<MavenRecord> records = new ArrayList<>();
        for (RepoPath path : store.list(StoragePaths.MAVEN)) {
            if (StoragePaths.mavenPathOf(path) == null) {
                continue;
            }
            byte[] json;
            try (InputStream in = store.get(path, null).open()) {
                json = in.readAllBytes();
            }
            JsonNode node = ApiJson.MAPPER.readTree(json);
            records.add(new MavenRecord(path, json, new Reference(Sha256.parse(node.path("sha256").asText()),
                    node.path("size").asLong(), "maven " + StoragePaths.mavenPathOf(path))));
        }
        return records;
    }

    /** One Maven file's record as stored, and the blob it references. */
    public record MavenRecord(RepoPath path, byte[] json, Reference blob) {
    }
}
