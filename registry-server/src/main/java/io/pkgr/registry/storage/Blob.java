package io.pkgr.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.Optional;

/** A readable stored object, possibly limited to a range. */
public interface Blob {

    /** Size of the whole object. */
    long size();

    /** The bytes of the requested range (or the whole object). */
    InputStream open() throws IOException;

    /**
     * A channel positioned at the start of the range, when the backend has local files: lets the
     * HTTP layer send with zero copy. Empty for remote backends.
     */
    default Optional<FileChannel> openChannel() throws IOException {
        return Optional.empty();
    }
}
