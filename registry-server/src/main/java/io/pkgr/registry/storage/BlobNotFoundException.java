package io.pkgr.registry.storage;

import java.io.IOException;

/** The path holds no object. */
public final class BlobNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    public BlobNotFoundException(RepoPath path) {
        super("no object at " + path);
    }
}
