package io.pkgr.bundle;

/** What reading a bundle proved: its manifest, the digest of the archive and its expanded size. */
public record BundleInfo(Manifest manifest, Sha256 sha256, long size, int entries, long expandedBytes) {
}
