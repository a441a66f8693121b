package io.pkgr.registry.pypi;

/** What an upload did: {@code created} false means identical bytes were already there. */
record UploadOutcome(boolean created, PypiFileRecord record) {
}
