package io.pkgr.registry.pypi;

import io.pkgr.api.PypiFile;

/** The filename is already taken by other bytes, or another file of the release stands in the way. */
final class FileExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient PypiFile existing;
    private final String reason;

    FileExistsException(PypiFile existing) {
        this(existing, null);
    }

    /** {@code reason}, when not null, says why the upload counts as {@code existing} (for the client). */
    FileExistsException(PypiFile existing, String reason) {
        super("File already exists: " + existing.filename(), null, false, false);
        this.existing = existing;
        this.reason = reason;
    }

    PypiFile existing() {
        return existing;
    }

    /** The stored file's sha256, followed by the reason when there is one: the second argument of FILE_EXISTS. */
    String sha256AndReason() {
        return reason == null ? existing.sha256().hex() : existing.sha256().hex() + " (" + reason + ")";
    }
}
