package io.pkgr.registry.admin;

import io.pkgr.bundle.Sha256;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.RepoPath;
import io.pkgr.registry.storage.StoragePaths;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reading a stored blob back to learn what it really holds, and naming blob paths by their digest. */
final class BlobCheck {

    private BlobCheck() {
    }

    /** The digest a path under {@code blobs/sha256/} names, or empty for anything else found there. */
    static Optional<Sha256> digestOf(RepoPath path) {
        try {
            Sha256 digest = Sha256.parse(path.fileName());
            return StoragePaths.blob(digest).equals(path) ? Optional.of(digest) : Optional.empty();
        } catch (RuntimeException notADigest) {
            return Optional.empty();
        }
    }

    /** The sha256 of the whole object at {@code path}, read once. */
    static Sha256 hash(BlobStore store, RepoPath path) throws IOException {
        try (InputStream in = store.get(path, null).open()) {
            return Sha256.of(in);
        }
    }
}
