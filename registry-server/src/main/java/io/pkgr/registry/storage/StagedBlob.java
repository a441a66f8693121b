package io.pkgr.registry.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Content that has streamed into a private temp object with its digests known, not yet visible
 * at any path. The caller inspects it, then commits it or closes it (which discards it).
 */
public interface StagedBlob extends Closeable {

    Digests digests();

    /** A local file holding the bytes, for inspection (e.g. verifying an archive). */
    Path localFile();

    /** Atomically makes the content visible at {@code target} unless an object is already there. */
    PutResult commitIfAbsent(RepoPath target) throws IOException;

    /** Discards the temp object (a no-op for what was committed). */
    @Override
    void close() throws IOException;
}
