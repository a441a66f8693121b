package io.pkgr.registry.storage;

/** Digests computed while an object streamed in, as lower-case hex, plus its size. */
public record Digests(String sha256, String md5, String blake2b256, long size) {
}
