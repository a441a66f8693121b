package io.pkgr.bundle;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The decompressed side of a bundle, cut off as soon as it expands past
 * {@link Limits#maxExpandedBytes()} or, after {@link Limits#ratioGraceBytes()}, more than
 * {@link Limits#maxRatio()} times the compressed bytes read so far: an archive bomb is stopped
 * before it fills a disk, whatever the headers declared.
 */
final class ExpansionLimit extends FilterInputStream {

    private final Limits limits;
    private final Counting compressed;
    private long expanded;

    /** Limits {@code decompressed}, whose source {@code compressed} counts the archive's own bytes. */
    ExpansionLimit(InputStream decompressed, Counting compressed, Limits limits) {
        super(decompressed);
        this.compressed = compressed;
        this.limits = limits;
    }

    /** Bytes expanded so far. */
    long expanded() {
        return expanded;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            expanded += n;
            check();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // read instead of skipping so that every byte is counted
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        return Math.max(read(scratch, 0, scratch.length), 0);
    }

    private void check() {
        if (expanded > limits.maxExpandedBytes()) {
            throw tooLarge(limits);
        }
        if (expanded > limits.ratioGraceBytes() && expanded / Math.max(1, compressed.count()) > limits.maxRatio()) {
            throw new BundleException(BundleException.Code.SUSPICIOUS_COMPRESSION, "bundle expands more than "
                    + limits.maxRatio() + " times its compressed size (an archive bomb?)");
        }
    }

    static BundleException tooLarge(Limits limits) {
        return new BundleException(BundleException.Code.TOO_LARGE,
                "bundle expands to more than " + limits.maxExpandedBytes() + " bytes");
    }

    /** Counts the bytes that pass (the archive's compressed size, for the ratio and the report). */
    static final class Counting extends FilterInputStream {
        private long count;

        Counting(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read instead of skipping so that every byte passes through the digest
            byte[] scratch = new byte[(int) Math.min(n, 8192)];
            return Math.max(read(scratch, 0, scratch.length), 0);
        }
    }
}
