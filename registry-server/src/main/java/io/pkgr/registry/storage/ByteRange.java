package io.pkgr.registry.storage;

/** An inclusive byte range {@code [first, last]} of a blob, already checked against its size. */
public record ByteRange(long first, long last) {

    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid byte range " + first + "-" + last);
        }
    }

    /** The whole of a blob of {@code size} bytes, or null for an empty blob. */
    public static ByteRange all(long size) {
        return size == 0 ? null : new ByteRange(0, size - 1);
    }

    public long length() {
        return last - first + 1;
    }
}
