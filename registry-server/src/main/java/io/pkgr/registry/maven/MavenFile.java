package io.pkgr.registry.maven;

import io.pkgr.bundle.Sha256;
import java.time.Instant;
import java.util.Objects;

/**
 * The record of one stored Maven file: where it sits in the layout, its digests (computed by the
 * registry as the bytes streamed in; the bytes are the blob of {@code sha256}), who deployed it and
 * when. Kept as JSON at {@code maven/PATH.json} in the store.
 */
record MavenFile(String path, Sha256 sha256, String md5, String sha1, String sha512, long size, String uploader,
                 Instant uploaded) {

    MavenFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(md5, "md5");
        Objects.requireNonNull(sha1, "sha1");
        Objects.requireNonNull(sha512, "sha512");
        Objects.requireNonNull(uploaded, "uploaded");
    }

    /** The hex digest a checksum sidecar of this file holds. */
    String checksum(MavenPath.Checksum kind) {
        return switch (kind) {
            case MD5 -> md5;
            case SHA1 -> sha1;
            case SHA256 -> sha256.hex();
            case SHA512 -> sha512;
        };
    }
}
