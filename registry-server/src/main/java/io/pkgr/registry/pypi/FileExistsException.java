package io.pkgr.registry.pypi;

import io.pkgr.api.PypiFile;

/** The filename is already taken by other bytes. */
final class FileExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient PypiFile existing;

    FileExistsException(PypiFile existing) {
        super("File already exists: " + existing.filename(), null, false, false);
        this.existing = existing;
    }

    PypiFile existing() {
        return existing;
    }
}
