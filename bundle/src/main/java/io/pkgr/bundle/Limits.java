package io.pkgr.bundle;

/**
 * Bounds a bundle must stay within when read; they stop archive bombs before they fill a disk.
 *
 * @param maxEntries       entries in the archive
 * @param maxExpandedBytes total size of all entries once decompressed
 * @param maxRatio         expanded / compressed bytes, checked once {@code ratioGraceBytes} have expanded
 * @param ratioGraceBytes  expanded bytes before the ratio is enforced (small files compress well)
 * @param maxManifestBytes size of {@code pkgr.json}
 */
public record Limits(int maxEntries, long maxExpandedBytes, long maxRatio, long ratioGraceBytes, int maxManifestBytes) {

    /** Generous enough for a model with its wheels, small enough to stop a gzip bomb early. */
    public static final Limits DEFAULT = new Limits(100_000, 16L << 30, 200, 64L << 20, 16 << 20);

    public Limits withMaxEntries(int n) {
        return new Limits(n, maxExpandedBytes, maxRatio, ratioGraceBytes, maxManifestBytes);
    }

    public Limits withMaxExpandedBytes(long n) {
        return new Limits(maxEntries, n, maxRatio, ratioGraceBytes, maxManifestBytes);
    }

    public Limits withMaxRatio(long ratio, long graceBytes) {
        return new Limits(maxEntries, maxExpandedBytes, ratio, graceBytes, maxManifestBytes);
    }
}
