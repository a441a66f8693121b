package io.pkgr.registry.storage;

import java.io.IOException;

/** A streamed object went past the size the caller allowed; nothing was kept. */
public final class BlobTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long limit;

    public BlobTooLargeException(long limit) {
        super("content is larger than " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
