package io.pkgr.registry.storage;

import java.time.Instant;

/** What a store knows about a stored object without reading it. */
public record BlobStat(RepoPath path, long size, Instant modified) {
}
