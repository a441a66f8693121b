package io.pkgr.registry.api;

import io.pkgr.api.ErrorCode;
import io.pkgr.api.BundleSignature;
import io.pkgr.api.LayeredPublish;
import io.pkgr.api.signing.Ed25519Keys;
import io.pkgr.api.signing.PublicKeyLine;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleException;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleLayers;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.BundleReader;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.registry.catalog.Catalog;
import io.pkgr.registry.catalog.PublishOutcome;
import io.pkgr.registry.catalog.VersionConflictException;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.UploadSlots;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.storage.BlobHolds;
import io.pkgr.registry.storage.BlobNotFoundException;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobTooLargeException;
import io.pkgr.registry.storage.Digests;
import io.pkgr.registry.storage.StagedBlob;
import io.pkgr.registry.storage.StoragePaths;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The publish path: stream the body to a staged temp while hashing (bounded memory), check the
 * declared digest, verify the archive with the bundle module's safe reader, check its manifest
 * against the URL, store it as layers ({@link LayerStore}), then let the catalog commit it.
 * Whatever fails, the staged temp is removed. The whole file is kept as well only when
 * re-assembly from the layers does not give its bytes back exactly (another deflate).
 *
 * <p>A layered publish sends only the manifest: the registry already holds every blob, which must
 * be referenced by a version of the same name or uploaded for it ({@link #publishLayered}).
 */
final class BundlePublisher {

    private static final System.Logger LOG = System.getLogger(BundlePublisher.class.getName());

    private final BlobStore store;
    private final Catalog catalog;
    private final UploadSlots uploads;
    private final long maxUploadBytes;
    private final LayerStore layers;

    BundlePublisher(BlobStore store, Catalog catalog, UploadSlots uploads, long maxUploadBytes) {
        this.store = store;
        this.catalog = catalog;
        this.uploads = uploads;
        this.maxUploadBytes = maxUploadBytes;
        this.layers = new LayerStore(store);
    }

    LayerStore layers() {
        return layers;
    }

    long maxUploadBytes() {
        return maxUploadBytes;
    }

    PublishOutcome publish(PublishRequest request) throws IOException {
        UploadSlots.Slot slot = uploads.acquire();
        try (StagedBlob staged = store.stageSha256(request.body(), maxUploadBytes); BlobHolds holds = new BlobHolds(store)) {
            Digests digests = staged.digests();
            request.declaredSha256().ifPresent(declared -> {
                if (!declared.hex().equals(digests.sha256())) {
                    throw new ApiException(ErrorCode.DIGEST_MISMATCH, digests.sha256(), declared.hex());
                }
            });
            Manifest manifest = verify(staged);
            if (!manifest.name().sameAs(request.name()) || !manifest.version().equals(request.version())) {
                throw new ApiException(ErrorCode.MANIFEST_MISMATCH, manifest.name(), manifest.version(),
                        request.name(), request.version());
            }
            Sha256 sha256 = new Sha256(digests.sha256());
            BundleSignature signature = checked(request.signature(), manifest.name(), manifest.version(), sha256);
            Optional<PublishOutcome> same = alreadyPublished(manifest, sha256);
            if (same.isPresent()) {
                return same.get();
            }
            catalog.checkPublishable(manifest.name(), manifest.version(), sha256); // before any layer is stored
            VersionRecord.Blob files = layers.split(staged, manifest, maxUploadBytes, holds);
            boolean identical = reassemblesExactly(manifest, files, sha256);
            if (!identical) {
                holds.hold(sha256); // the whole file is committed as well: it may be stored already
            }
            VersionRecord candidate = new VersionRecord(manifest.name(), manifest.version(), sha256, digests.size(),
                    Json.MAPPER.readTree(manifest.toCanonicalJson()), new VersionRecord.Layers(files, !identical),
                    request.publisher(), Instant.now().truncatedTo(ChronoUnit.MILLIS), false, null, signature);
            return catalog.publish(candidate, identical ? null : staged);
        } catch (BlobTooLargeException e) {
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, maxUploadBytes);
        } catch (VersionConflictException e) {
            throw conflict(e, request.version());
        } finally {
            slot.close();
        }
    }

    /**
     * Publishes the bundle {@code declared} from layers the registry holds: checks that each blob
     * may be used by this name, re-assembles the {@code .pkgr} file, reads it with the safe reader
     * and publishes only when its sha256 is the declared one.
     */
    PublishOutcome publishLayered(BundleName name, Version version, Sha256 declared, LayeredPublish body,
            String publisher, BundleSignature signature) throws IOException {
        if (body.manifest() == null || !body.manifest().isObject()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "a layered publish needs the bundle's manifest");
        }
        Manifest manifest;
        try {
            manifest = Manifest.parseJson(Json.MAPPER.writeValueAsBytes(body.manifest()));
        } catch (BundleException e) {
            throw new ApiException(ErrorCode.BUNDLE_INVALID, e.getMessage());
        }
        if (!manifest.name().sameAs(name) || !manifest.version().equals(version)) {
            throw new ApiException(ErrorCode.MANIFEST_MISMATCH, manifest.name(), manifest.version(), name, version);
        }
        if (BundleLayers.hasFilesLayer(manifest) != (body.files() != null)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, body.files() == null ? "the manifest lists files outside deps/"
                    + " but no files layer was named" : "a files layer was named but the manifest lists no files outside deps/");
        }
        BundleSignature checkedSignature = checked(signature, manifest.name(), manifest.version(), declared);
        UploadSlots.Slot slot = uploads.acquire();
        try (BlobHolds holds = new BlobHolds(store)) {
            Optional<PublishOutcome> same = alreadyPublished(manifest, declared);
            if (same.isPresent()) {
                return same.get();
            }
            List<Sha256> needed = new ArrayList<>();
            BundleLayers.blobLayers(manifest).forEach(l -> needed.add(l.sha256()));
            if (body.files() != null) {
                needed.add(body.files().sha256());
            }
            // held before they are looked for: a version that references them may be deleted meanwhile
            for (Sha256 digest : needed) {
                holds.hold(digest);
            }
            List<Sha256> missing = missing(name, needed);
            if (!missing.isEmpty()) {
                throw new ApiException(ErrorCode.BLOBS_MISSING, missing.size(), missing.get(0));
            }
            BundleInfo info;
            try {
                info = layers.assembleAndVerify(manifest, body.files());
            } catch (LayerStore.CorruptBlobException e) {
                layers.discardCorrupt(e.digest);
                throw new ApiException(ErrorCode.BLOB_CORRUPT, e.digest);
            } catch (BlobNotFoundException e) {
                throw new ApiException(ErrorCode.BLOBS_MISSING, 1, e.getMessage());
            } catch (BundleException e) {
                throw new ApiException(ErrorCode.BUNDLE_INVALID, e.getMessage());
            }
            if (!info.sha256().equals(declared)) {
                throw new ApiException(ErrorCode.ASSEMBLY_MISMATCH, info.sha256().hex(), declared.hex());
            }
            VersionRecord candidate = new VersionRecord(manifest.name(), manifest.version(), declared, info.size(),
                    Json.MAPPER.readTree(info.manifest().toCanonicalJson()), new VersionRecord.Layers(body.files(), false),
                    publisher, Instant.now().truncatedTo(ChronoUnit.MILLIS), false, null, checkedSignature);
            PublishOutcome outcome = catalog.publish(candidate, null);
            for (Sha256 digest : needed) {
                store.delete(StoragePaths.uploadMarker(name, digest));
                store.delete(StoragePaths.hold(digest, uploadHoldId(name)));
            }
            return outcome;
        } catch (VersionConflictException e) {
            throw conflict(e, version);
        } finally {
            slot.close();
        }
    }

    /** Stores one blob uploaded for a later layered publish of {@code name}; true when it was not stored before. */
    boolean uploadBlob(BundleName name, Sha256 digest, java.io.InputStream body) throws IOException {
        UploadSlots.Slot slot = uploads.acquire();
        try (StagedBlob staged = store.stageSha256(body, maxUploadBytes)) {
            if (!staged.digests().sha256().equals(digest.hex())) {
                throw new ApiException(ErrorCode.DIGEST_MISMATCH, staged.digests().sha256(), digest.hex());
            }
            // held until the layered publish that uses it releases it (or garbage collection, after its grace period)
            new BlobHolds(store, uploadHoldId(name)).hold(digest);
            boolean created = staged.commitIfAbsent(StoragePaths.blob(digest)).created();
            store.replace(StoragePaths.uploadMarker(name, digest), new byte[0]);
            return created;
        } catch (BlobTooLargeException e) {
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, maxUploadBytes);
        } finally {
            slot.close();
        }
    }

    /** The hold a blob uploaded for a layered publish of {@code name} keeps until that publish. */
    private static String uploadHoldId(BundleName name) {
        return "upload-" + name.normalized();
    }

    /**
     * Of {@code digests}, those a publish of {@code name} must upload: a blob counts as held only
     * when it is stored and either a version of {@code name} references it or it was uploaded for
     * {@code name}, so the answer tells nothing about other bundles' blobs.
     */
    List<Sha256> missing(BundleName name, List<Sha256> digests) throws IOException {
        Set<Sha256> referenced = referencedBy(name);
        List<Sha256> missing = new ArrayList<>();
        for (Sha256 digest : digests) {
            boolean usable = referenced.contains(digest)
                    || store.stat(StoragePaths.uploadMarker(name, digest)).isPresent();
            if (!usable || store.stat(StoragePaths.blob(digest)).isEmpty()) {
                missing.add(digest);
            }
        }
        return missing;
    }

    /**
     * The signature with its key line normalised (comment kept), after checking that it is a valid
     * Ed25519 signature of this version's statement: the registry stores no signature a client would
     * refuse. Who is trusted is the client's decision ({@code --trusted-keys}), never the registry's.
     */
    private static BundleSignature checked(BundleSignature signature, BundleName name, Version version, Sha256 sha256) {
        if (signature == null) {
            return null;
        }
        PublicKeyLine key;
        try {
            key = PublicKeyLine.parse(signature.key());
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.SIGNATURE_INVALID, BundleSignature.KEY_HEADER + ": " + e.getMessage());
        }
        if (!Ed25519Keys.verify(key, BundleSignature.statement(name, version, sha256), signature.signature())) {
            throw new ApiException(ErrorCode.SIGNATURE_INVALID, "it is not " + key.fingerprint() + "'s signature of "
                    + name + " " + version + " with sha256 " + sha256.hex());
        }
        return new BundleSignature(key.line(), signature.signature());
    }

    /** Every blob some version of {@code name} references. */
    Set<Sha256> referencedBy(BundleName name) {
        Set<Sha256> refs = new HashSet<>();
        catalog.versions(name).ifPresent(list -> list.versions().forEach(item ->
                catalog.find(name, item.version()).ifPresent(r -> refs.addAll(r.blobReferences()))));
        return refs;
    }

    private Optional<PublishOutcome> alreadyPublished(Manifest manifest, Sha256 sha256) {
        return catalog.find(manifest.name(), manifest.version())
                .filter(existing -> existing.sha256().equals(sha256))
                .map(existing -> new PublishOutcome(false, existing));
    }

    /** True when the layers just stored give the uploaded bytes back; false (logged) otherwise. */
    private boolean reassemblesExactly(Manifest manifest, VersionRecord.Blob files, Sha256 sha256) {
        try {
            Sha256 again = layers.assembledSha256(manifest, files);
            if (again.equals(sha256)) {
                return true;
            }
            LOG.log(Level.INFO, "{0} {1}: re-assembly gives {2}, not the uploaded {3} (another deflate); the whole file"
                    + " is kept as well", manifest.name(), manifest.version(), again.shortHex(), sha256.shortHex());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "{0} {1}: re-assembly from layers failed ({2}); the whole file is kept as well",
                    manifest.name(), manifest.version(), e.getMessage());
        }
        return false;
    }

    private static ApiException conflict(VersionConflictException e, Version version) {
        VersionRecord existing = e.existing();
        if (!existing.version().equals(version)) {
            return new ApiException(ErrorCode.VERSION_PRECEDENCE_EXISTS, existing.name(), version, existing.version());
        }
        return new ApiException(ErrorCode.VERSION_EXISTS, existing.name(), existing.version(), existing.sha256().hex());
    }

    private static Manifest verify(StagedBlob staged) throws IOException {
        try {
            // the upload was hashed as it streamed in: the reader need not hash the archive again
            BundleInfo info = BundleReader.verify(staged.open(), new Sha256(staged.digests().sha256()));
            return info.manifest();
        } catch (BundleException e) {
            throw new ApiException(ErrorCode.BUNDLE_INVALID, e.getMessage());
        }
    }
}
