package io.pkgr.api.signing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * An Ed25519 public key as one OpenSSH line, {@code ssh-ed25519 BASE64 [comment]} (what
 * {@code ssh-keygen -t ed25519} writes to {@code id_ed25519.pub} and {@code authorized_keys} holds).
 * Parsing and fingerprinting use the JDK only, so the warm run's trust check loads no BouncyCastle.
 *
 * @param blob    the SSH wire encoding: string "ssh-ed25519", string KEY (32 bytes)
 * @param comment the text after the key, or empty
 */
public record PublicKeyLine(byte[] blob, String comment) {

    public static final String TYPE = "ssh-ed25519";

    /** Parses one line; {@link IllegalArgumentException} saying what is wrong otherwise. */
    public static PublicKeyLine parse(String line) {
        String[] parts = line.strip().split("\\s+", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("not an OpenSSH public key line (expected 'ssh-ed25519 BASE64 [comment]')");
        }
        if (!parts[0].equals(TYPE)) {
            throw new IllegalArgumentException("key type '" + printable(parts[0]) + "' is not supported (only "
                    + TYPE + ")");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key is not valid base64");
        }
        ByteBuffer in = ByteBuffer.wrap(blob);
        byte[] type = string(in);
        byte[] key = string(in);
        if (type == null || key == null || in.hasRemaining() || !new String(type, StandardCharsets.US_ASCII).equals(TYPE)
                || key.length != 32) {
            throw new IllegalArgumentException("the base64 part is not an " + TYPE + " key");
        }
        return new PublicKeyLine(blob, parts.length == 3 ? parts[2] : "");
    }

    /** The line for a raw 32-byte Ed25519 public key. */
    public static PublicKeyLine of(byte[] rawKey, String comment) {
        byte[] type = TYPE.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(8 + type.length + rawKey.length);
        out.putInt(type.length).put(type).putInt(rawKey.length).put(rawKey);
        return new PublicKeyLine(out.array(), comment == null ? "" : comment.strip());
    }

    /** The 32 bytes of the key. */
    public byte[] rawKey() {
        return Arrays.copyOfRange(blob, blob.length - 32, blob.length);
    }

    /** {@code SHA256:} and the unpadded base64 of the blob's sha256, as {@code ssh-keygen -l} prints. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The line without its comment: what a record stores and a lock pins. */
    public String keyText() {
        return TYPE + " " + Base64.getEncoder().encodeToString(blob);
    }

    /** The whole line, comment included. */
    public String line() {
        return comment.isEmpty() ? keyText() : keyText() + " " + comment;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKeyLine other && Arrays.equals(blob, other.blob);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return line();
    }

    private static byte[] string(ByteBuffer in) {
        if (in.remaining() < 4) {
            return null;
        }
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            return null;
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static String printable(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
