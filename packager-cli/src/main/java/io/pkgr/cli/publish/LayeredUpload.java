package io.pkgr.cli.publish;

import io.pkgr.api.BundleSignature;
import io.pkgr.api.LayeredPublish;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleLayers;
import io.pkgr.bundle.FileEntry;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.cli.registry.RegistryClient;
import io.pkgr.api.ApiJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Publishes a bundle as layers: asks the registry which of its blobs (each {@code deps/} payload,
 * the files layer) it lacks, uploads only those, then sends the manifest with the file's sha256;
 * the registry re-assembles the file and publishes it only if the digest is the same. Empty when
 * the registry predates layers or cannot stand for the file from its layers: the caller then
 * uploads the whole file, which is always correct.
 */
final class LayeredUpload {

    /** What was published, and how many bytes went over the wire for it. */
    record Result(RegistryClient.PublishOutcome outcome, long uploaded) {
    }

    private final RegistryClient client;
    private final PrintWriter err;

    LayeredUpload(RegistryClient client, PrintWriter err) {
        this.client = client;
        this.err = err;
    }

    Optional<Result> publish(Path file, BundleInfo info, LongConsumer progress, BundleSignature signature) throws IOException {
        Manifest manifest = info.manifest();
        List<Sha256> deps = BundleLayers.blobLayers(manifest).stream().map(BundleLayers.Layer::sha256).distinct().toList();
        Optional<List<Sha256>> missing = client.missingBlobs(manifest.name(), deps);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        Set<Sha256> toUpload = new HashSet<>(missing.get());
        long[] uploaded = {0};
        Path layer = Files.createTempFile("pkgr-files-layer", ".tar");
        try {
            FileEntry files;
            try (OutputStream out = Files.newOutputStream(layer)) {
                files = BundleLayers.split(Files.newInputStream(file), manifest, (path, entry, content) -> {
                    if (toUpload.remove(entry.sha256())) {
                        upload(manifest, entry.sha256(), entry.size(), content, uploaded, progress);
                    }
                }, out);
            }
            VersionRecord.Blob filesBlob = null;
            if (BundleLayers.hasFilesLayer(manifest)) {
                filesBlob = new VersionRecord.Blob(files.sha256(), files.size());
                List<Sha256> layerMissing = client.missingBlobs(manifest.name(), List.of(files.sha256())).orElse(List.of());
                if (!layerMissing.isEmpty()) {
                    try (InputStream in = Files.newInputStream(layer)) {
                        upload(manifest, files.sha256(), files.size(), in, uploaded, progress);
                    }
                }
            }
            LayeredPublish body = new LayeredPublish(ApiJson.MAPPER.readTree(manifest.toCanonicalJson()), filesBlob);
            try {
                return Optional.of(new Result(client.publishLayered(manifest.name(), manifest.version(), info.sha256(), body,
                        signature),
                        uploaded[0]));
            } catch (RegistryClient.LayeredPublishRefused e) {
                err.println("pkgr: the registry cannot publish " + manifest.name() + " " + manifest.version()
                        + " from layers (" + e.getMessage() + "); uploading the whole file");
                err.flush();
                return Optional.empty();
            }
        } finally {
            Files.deleteIfExists(layer);
        }
    }

    private void upload(Manifest manifest, Sha256 digest, long size, InputStream content, long[] uploaded,
            LongConsumer progress) {
        long before = uploaded[0];
        client.uploadBlob(manifest.name(), digest, size, content, total -> {
            if (progress != null) {
                progress.accept(before + total);
            }
        });
        uploaded[0] += size;
    }
}
