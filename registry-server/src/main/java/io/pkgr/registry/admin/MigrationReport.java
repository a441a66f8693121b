package io.pkgr.registry.admin;

import java.util.List;

/**
 * What {@link Migration#run} did: blobs copied, blobs already at the destination (and verified
 * there), records written or already present, and every problem, each one line for a person.
 */
public record MigrationReport(long blobsCopied, long bytesCopied, long blobsPresent, long bytesVerified,
        long recordsWritten, long recordsPresent, List<String> problems) {

    public MigrationReport {
        problems = List.copyOf(problems);
    }

    /** True when everything was copied or already there, intact. */
    public boolean complete() {
        return problems.isEmpty();
    }
}
