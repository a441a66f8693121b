package io.pkgr.registry.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The storage SPI: objects keyed by {@link RepoPath}, nothing else (layout lives in
 * {@link StoragePaths}). Readers never see a half-written object; new objects are put-if-absent
 * through a {@link StagedBlob} handle the backend owns, so a remote backend (an object store with
 * multipart uploads) fits as well as the filesystem. Every method may be called from many threads
 * at once. Found with {@link java.util.ServiceLoader} through a {@link BlobStoreProvider}; the
 * abstract {@code BlobStoreContract} test is the definition every backend passes.
 */
public interface BlobStore extends Closeable {

    /** Size and last-modified time of the whole object at {@code path}; empty if there is none. */
    Optional<BlobStat> stat(RepoPath path) throws IOException;

    /**
     * The object at {@code path}, limited to {@code range} when it is non-null. Throws
     * {@link BlobNotFoundException} when absent and {@link IllegalArgumentException} when the
     * range ends beyond the object. Reading sees the object as it was when opened, whole.
     */
    Blob get(RepoPath path, ByteRange range) throws IOException;

    /**
     * Streams {@code content} into place at {@code path} unless an object is already there (then
     * {@code created} is false and the object unchanged): {@link #stage} then
     * {@link StagedBlob#commitIfAbsent}.
     */
    default PutResult putIfAbsent(RepoPath path, InputStream content) throws IOException {
        try (StagedBlob staged = stage(content, Long.MAX_VALUE)) {
            return staged.commitIfAbsent(path);
        }
    }

    /**
     * Replaces (or creates) the object at {@code path} with {@code content}, atomically: readers see
     * the old bytes or the new, never a mix. For small mutable records (catalog entries), not blobs.
     */
    void replace(RepoPath path, byte[] content) throws IOException;

    /** Every object under {@code prefix} (recursively), sorted; empty if none. Staged content is never listed. */
    List<RepoPath> list(RepoPath prefix) throws IOException;

    /**
     * Every object under {@code prefix} with its size and last-modified time, sorted by path (what
     * garbage collection needs). By default {@link #list} then {@link #stat} each; a backend whose
     * listing carries the times already (an object store) overrides it. An object deleted between
     * the two steps is left out.
     */
    default List<BlobStat> listStats(RepoPath prefix) throws IOException {
        List<BlobStat> stats = new java.util.ArrayList<>();
        for (RepoPath path : list(prefix)) {
            stat(path).ifPresent(stats::add);
        }
        return stats;
    }

    /** Deletes the object at {@code path}; false if there was none. Readers that opened it before may finish. */
    boolean delete(RepoPath path) throws IOException;

    /**
     * Deletes every object at {@code paths} that exists (absent ones are skipped), as garbage
     * collection removes many at once; when it returns, each is gone as after {@link #delete}. A
     * backend may do it in fewer calls than one per object (the filesystem syncs each directory once
     * per batch, an object store sends one multi-object delete per 1,000 keys). By default one
     * {@link #delete} each.
     */
    default void deleteAll(List<RepoPath> paths) throws IOException {
        for (RepoPath path : paths) {
            delete(path);
        }
    }

    /**
     * Deletes each object at {@code paths} that exists, except those {@code keep} names, and returns
     * the paths it deleted: a delete conditional on something a look-up of the object cannot see (garbage
     * collection's holds). Where the backend can (the filesystem) it first moves every object aside
     * atomically, where no read, listing or put-if-absent finds it, then asks {@code keep} once, then
     * puts the kept ones back (an object stored again meanwhile under the same path stays, the copy set
     * aside goes) and deletes the rest: whatever {@code keep} looks at after the move is all that can have
     * found the objects. A crash in between leaves objects set aside that {@link #recoverSetAside} puts
     * back. By default (an object store has no atomic move) {@code keep} is asked first, right before one
     * {@link #deleteAll} of the rest.
     */
    default List<RepoPath> deleteAllUnless(List<RepoPath> paths, KeepCheck keep) throws IOException {
        java.util.Set<RepoPath> kept = keep.keep(paths);
        List<RepoPath> doomed = paths.stream().filter(p -> !kept.contains(p)).toList();
        deleteAll(doomed);
        return doomed;
    }

    /** What {@link #deleteAllUnless} asks: which of {@code paths} to keep after all. */
    @FunctionalInterface
    interface KeepCheck {
        java.util.Set<RepoPath> keep(List<RepoPath> paths) throws IOException;
    }

    /**
     * Puts back the objects an interrupted {@link #deleteAllUnless} left set aside (a crash between the
     * move and the decision): each returns to its path, or is dropped when an object is there again.
     * Returns how many there were; by default none (a backend that sets nothing aside).
     */
    default int recoverSetAside() throws IOException {
        return 0;
    }

    /**
     * Streams {@code content} into a staged handle while hashing it (sha256, md5, blake2b-256),
     * reading it once. Fails with {@link BlobTooLargeException} past {@code maxBytes} and
     * {@link StorageFullException} when there is no room, keeping nothing either way. The caller
     * owns the handle and must close it.
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

    /** Throws unless a write would succeed now (for readiness probes); {@link StorageFullException} when full. Leaves nothing. */
    void checkWritable() throws IOException;

    /**
     * Bytes still free for new objects, for the readiness probe's free-space threshold; writes
     * that find no room throw {@link StorageFullException}. By default unknown ({@code Long.MAX_VALUE}).
     */
    default long usableBytes() throws IOException {
        return Long.MAX_VALUE;
    }

    /**
     * True when reads go over the network (an object store): the HTTP layer then calls {@link #get}
     * on a worker thread, never on an IO thread. By default false (local files).
     */
    default boolean remote() {
        return false;
    }

    /**
     * Whether two paths that differ only in letter case are two objects. Object stores and most
     * server file systems tell them apart; a filesystem store on a case-insensitive file system
     * (macOS and Windows defaults) does not, and says so. By default true.
     */
    default boolean caseSensitive() {
        return true;
    }

    /**
     * A short-lived URL from which a client may GET the object at {@code path} directly (a pre-signed
     * URL), answered with {@code filename} as its attachment name; empty when the backend has none.
     * Made locally, without a request to the backend; anyone holding it may read the object until it
     * expires, so it is handed out only after the caller's access was checked.
     */
    default Optional<URI> presignedGet(RepoPath path, String filename, Duration expiry) throws IOException {
        return Optional.empty();
    }

    /** Releases what the backend holds between calls (connections, pools); the objects stay. */
    @Override
    void close() throws IOException;
}
