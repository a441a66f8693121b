package io.pkgr.bundle;

/** A payload file recorded in {@code pkgr.json}: its digest, size and whether it is executable. */
public record FileEntry(Sha256 sha256, long size, boolean executable) {
}
