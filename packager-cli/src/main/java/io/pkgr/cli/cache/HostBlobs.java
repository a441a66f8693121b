package io.pkgr.cli.cache;

import io.pkgr.bundle.Sha256;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The blobs this host already holds, by sha256: what a worker asks before it downloads a layer of
 * a bundle (a vendored wheel or jar, a files layer). One small interface so that another store
 * keyed by the same digests can answer too: {@link CacheBlobs} answers from {@code CACHE/blobs/},
 * and {@code StoreBlobs} adds the wheel store's {@code wheel.whl} files.
 */
public interface HostBlobs {

    /**
     * A readable file with the bytes of blob {@code digest} ({@code size} bytes), or empty when this
     * host does not hold it. The caller checks the digest as it reads (a file can rot) unless
     * {@link #verifiedOnEntry} says the store vouches for it.
     */
    Optional<Path> find(Sha256 digest, long size);

    /**
     * Where a blob fetched for this host is to be placed: the caller writes and verifies it beside
     * this path and moves it there atomically (its parent directory exists).
     */
    Path target(Sha256 digest);

    /** Forgets a held blob that turned out not to match its digest. */
    void discard(Sha256 digest);

    /**
     * Whether {@code file}, as {@link #find} returned it, was verified by its sha256 when it entered
     * this host's store and is checked since by what the store recorded of it (size, mtime, inode)
     * rather than by hashing it again. False (the default): the caller hashes it.
     */
    default boolean verifiedOnEntry(Path file) {
        return false;
    }
}
