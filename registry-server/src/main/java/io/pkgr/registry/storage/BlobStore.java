package io.pkgr.registry.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The storage SPI: objects keyed by {@link RepoPath}. Readers never see a half-written object;
 * writes of a new object are put-if-absent. Found with {@link java.util.ServiceLoader} through a
 * {@link BlobStoreProvider}; every backend passes {@code BlobStoreContract}.
 */
public interface BlobStore extends Closeable {

    /** Size and time of the object at {@code path}, empty if absent. */
    Optional<BlobStat> stat(RepoPath path) throws IOException;

    /** The object at {@code path}, limited to {@code range} when it is non-null. */
    Blob get(RepoPath path, ByteRange range) throws IOException;

    /** Streams {@code content} into place at {@code path} unless an object is already there. */
    default PutResult putIfAbsent(RepoPath path, InputStream content) throws IOException {
        try (StagedBlob staged = stage(content, Long.MAX_VALUE)) {
            return staged.commitIfAbsent(path);
        }
    }

    /** Atomically replaces (or creates) the object at {@code path}: for small mutable records. */
    void replace(RepoPath path, byte[] content) throws IOException;

    /** Every object under {@code prefix} (recursively), sorted; empty if none. */
    List<RepoPath> list(RepoPath prefix) throws IOException;

    /** Deletes the object at {@code path}; false if there was none. */
    boolean delete(RepoPath path) throws IOException;

    /**
     * Streams {@code content} into a temp object while hashing it, failing with
     * {@link BlobTooLargeException} (and keeping nothing) past {@code maxBytes}.
     */
    StagedBlob stage(InputStream content, long maxBytes) throws IOException;

    /**
     * Like {@link #stage(InputStream, long)} for callers that need only sha256 (the native API):
     * a backend may then skip md5 and blake2b-256, which cost twice what sha256 does, and leave
     * them null in {@link StagedBlob#digests()}. By default it computes all three.
     */
    default StagedBlob stageSha256(InputStream content, long maxBytes) throws IOException {
        return stage(content, maxBytes);
    }

    /** Throws unless a write would succeed now (for readiness probes); {@link StorageFullException} when full. */
    void checkWritable() throws IOException;

    /**
     * Bytes still free for new objects, for the readiness probe's free-space threshold; writes
     * that find no room throw {@link StorageFullException}. By default unknown ({@code Long.MAX_VALUE}).
     */
    default long usableBytes() throws IOException {
        return Long.MAX_VALUE;
    }
}
