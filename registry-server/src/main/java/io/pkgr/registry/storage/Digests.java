package io.pkgr.registry.storage;

/** Digests computed while an object streamed in, as lower-case hex, plus its size; md5 and blake2b256 are null when it was staged with {@link BlobStore#stageSha256}. */
public record Digests(String sha256, String md5, String blake2b256, long size) {
}
