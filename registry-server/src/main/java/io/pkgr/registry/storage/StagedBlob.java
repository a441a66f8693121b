package io.pkgr.registry.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;

/**
 * Content that has streamed into the backend with its digests known, visible at no path yet: a
 * handle the backend owns (a local temp file, a multipart upload, an object under a staging
 * prefix…). The caller re-reads it to check it ({@link #open}, {@link #openChannel}), then
 * commits it at most once, and always closes it. Not safe for concurrent use by several threads.
 */
public interface StagedBlob extends Closeable {

    /** The digests and size, computed as the content streamed in (no second read). */
    Digests digests();

    /**
     * A new stream over the staged bytes from the first, exactly as they arrived; each call starts
     * again. Valid until {@link #close()}; throws {@link IOException} afterwards. The caller closes it.
     */
    InputStream open() throws IOException;

    /**
     * Random access to the staged bytes, for formats read from the end (a wheel's zip directory),
     * so that reading a small part does not read the whole. Same lifetime as {@link #open()}; a
     * remote backend may serve it with ranged reads.
     */
    SeekableByteChannel openChannel() throws IOException;

    /**
     * Put-if-absent: atomically makes the staged bytes the object at {@code target} unless one is
     * there already. {@code created} is false, and the existing object untouched, when one was;
     * readers see the whole object or none, and a crash leaves the old state or the new one. At most
     * once per handle ({@link IllegalStateException} on a second call or after {@link #close()});
     * {@link StorageFullException} when the backend has no room.
     */
    PutResult commitIfAbsent(RepoPath target) throws IOException;

    /**
     * Releases the handle: the staged bytes are discarded unless committed (a committed object
     * stays). Idempotent; never makes anything visible.
     */
    @Override
    void close() throws IOException;
}
