package io.pkgr.cli.install;

import io.pkgr.api.BundleSignature;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;

/**
 * One exact bundle: what a pinned spec or a lock entry resolved to.
 *
 * @param repository the repository it comes from (null when it was found by digest in the cache only)
 * @param size       the archive size in bytes, for the progress bar (0 when unknown)
 * @param yanked     the version record says yanked (as fetched: a cached record is not asked again)
 * @param yankReason the publisher's reason, or null
 * @param signature  the publisher's signature from the version record, or null when it is unsigned
 */
public record ResolvedBundle(BundleName name, Version version, Sha256 sha256, long size, Manifest manifest, String repository,
                      boolean yanked, String yankReason, BundleSignature signature) {

    @Override
    public String toString() {
        return name + " " + version;
    }
}
