package io.pkgr.registry.pypi;

import io.pkgr.api.PypiFile;

/** What an upload did: {@code created} false means identical bytes were already there. */
record UploadOutcome(boolean created, PypiFile record) {
}
