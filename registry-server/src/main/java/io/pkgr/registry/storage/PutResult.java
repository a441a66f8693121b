package io.pkgr.registry.storage;

/** The outcome of a put-if-absent: {@code created} is false when the path already held an object. */
public record PutResult(boolean created, BlobStat stat) {
}
