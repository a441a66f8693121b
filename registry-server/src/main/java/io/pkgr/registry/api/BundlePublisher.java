package io.pkgr.registry.api;

import io.pkgr.api.ErrorCode;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleException;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleReader;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.catalog.Catalog;
import io.pkgr.registry.catalog.PublishOutcome;
import io.pkgr.registry.catalog.VersionConflictException;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.UploadSlots;
import io.pkgr.registry.http.Json;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobTooLargeException;
import io.pkgr.registry.storage.Digests;
import io.pkgr.registry.storage.StagedBlob;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The publish path: stream the body to a staged temp while hashing (bounded memory), check the
 * declared digest, verify the archive with the bundle module's safe reader, check its manifest
 * against the URL, then let the catalog commit it. Whatever fails, the staged temp is removed.
 */
final class BundlePublisher {

    private final BlobStore store;
    private final Catalog catalog;
    private final UploadSlots uploads;
    private final long maxUploadBytes;

    BundlePublisher(BlobStore store, Catalog catalog, UploadSlots uploads, long maxUploadBytes) {
        this.store = store;
        this.catalog = catalog;
        this.uploads = uploads;
        this.maxUploadBytes = maxUploadBytes;
    }

    long maxUploadBytes() {
        return maxUploadBytes;
    }

    PublishOutcome publish(PublishRequest request) throws IOException {
        UploadSlots.Slot slot = uploads.acquire();
        try (StagedBlob staged = store.stageSha256(request.body(), maxUploadBytes)) {
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
            VersionRecord candidate = new VersionRecord(manifest.name(), manifest.version(),
                    new Sha256(digests.sha256()), digests.size(), Json.MAPPER.readTree(manifest.toCanonicalJson()),
                    request.publisher(), Instant.now().truncatedTo(ChronoUnit.MILLIS), false, null);
            return catalog.publish(candidate, staged);
        } catch (BlobTooLargeException e) {
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, maxUploadBytes);
        } catch (VersionConflictException e) {
            VersionRecord existing = e.existing();
            if (!existing.version().equals(request.version())) {
                throw new ApiException(ErrorCode.VERSION_PRECEDENCE_EXISTS, existing.name(), request.version(),
                        existing.version());
            }
            throw new ApiException(ErrorCode.VERSION_EXISTS, existing.name(), existing.version(), existing.sha256().hex());
        } finally {
            slot.close();
        }
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
