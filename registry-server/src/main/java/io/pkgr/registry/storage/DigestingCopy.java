package io.pkgr.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * Copies a stream in bounded memory while computing sha256 and, unless asked for sha256 alone,
 * md5 and blake2b-256 on the way (the PyPI face records all three; the native API needs sha256).
 * Public for backends in other modules: one way to stage content, whatever holds the bytes.
 */
public final class DigestingCopy {

    private static final int BUFFER = 64 * 1024;

    private final MessageDigest sha256 = newDigest("SHA-256");
    private final MessageDigest md5;
    private final Blake2bDigest blake2b;
    private long size;

    /** Computes sha256, md5 and blake2b-256. */
    public DigestingCopy() {
        this(true);
    }

    /** Computes sha256, and md5 and blake2b-256 when {@code allDigests}. */
    public DigestingCopy(boolean allDigests) {
        this.md5 = allDigests ? newDigest("MD5") : null;
        this.blake2b = allDigests ? new Blake2bDigest(256) : null;
    }

    /** Copies all of {@code in} to {@code out}, failing past {@code maxBytes}. */
    public Digests copy(InputStream in, OutputStream out, long maxBytes) throws IOException {
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = in.read(buffer)) != -1; ) {
            size += n;
            if (size > maxBytes) {
                throw new BlobTooLargeException(maxBytes);
            }
            sha256.update(buffer, 0, n);
            if (md5 != null) {
                md5.update(buffer, 0, n);
                blake2b.update(buffer, 0, n);
            }
            out.write(buffer, 0, n);
        }
        HexFormat hex = HexFormat.of();
        if (md5 == null) {
            return new Digests(hex.formatHex(sha256.digest()), null, null, size);
        }
        byte[] blake = new byte[32];
        blake2b.doFinal(blake, 0);
        return new Digests(hex.formatHex(sha256.digest()), hex.formatHex(md5.digest()), hex.formatHex(blake), size);
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by the Java platform", e);
        }
    }
}
