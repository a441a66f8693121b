package io.pkgr.registry.pypi;

/** The filename is already taken by other bytes. */
final class FileExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient PypiFileRecord existing;

    FileExistsException(PypiFileRecord existing) {
        super("File already exists: " + existing.filename(), null, false, false);
        this.existing = existing;
    }

    PypiFileRecord existing() {
        return existing;
    }
}
