package io.pkgr.registry.catalog;

import io.pkgr.api.VersionRecord;

/** The version is already published with other bytes. */
public final class VersionConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient VersionRecord existing;

    public VersionConflictException(VersionRecord existing) {
        super(existing.name() + " " + existing.version() + " already exists with sha256 " + existing.sha256().hex(), null, false, false);
        this.existing = existing;
    }

    public VersionRecord existing() {
        return existing;
    }
}
