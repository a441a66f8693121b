package io.pkgr.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A SHA-256 digest as 64 lower-case hex digits. */
public record Sha256(String hex) {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public Sha256 {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new BundleException(BundleException.Code.INVALID_SPEC,
                    "invalid sha256 '" + (hex == null ? "" : Text.printable(hex)) + "': expected 64 hex digits");
        }
    }

    /** Parses hex digits, with or without a {@code sha256:} prefix, in either case. */
    public static Sha256 parse(String text) {
        String hex = text.startsWith("sha256:") ? text.substring("sha256:".length()) : text;
        return new Sha256(hex.toLowerCase(java.util.Locale.ROOT));
    }

    public static Sha256 of(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("a sha256 digest has 32 bytes, got " + digest.length);
        }
        return new Sha256(HexFormat.of().formatHex(digest));
    }

    public static Sha256 ofBytes(byte[] data) {
        return of(newDigest().digest(data));
    }

    /** Digest of a whole stream (the stream is read to its end, not closed). */
    public static Sha256 of(InputStream in) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) != -1; ) {
            md.update(buf, 0, n);
        }
        return of(md.digest());
    }

    public static Sha256 ofFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    /** The first 12 hex digits, for people. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return "sha256:" + hex;
    }
}
