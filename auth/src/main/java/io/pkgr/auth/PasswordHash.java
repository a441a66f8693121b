package io.pkgr.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.commons.codec.digest.UnixCrypt;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * One stored password hash from an htpasswd line, in any format Apache {@code htpasswd} writes.
 *
 * <p>Parsing is strict: a value that starts like a known scheme but does not have its exact
 * shape is rejected rather than treated as a plain-text password, so a corrupt hash can never
 * become a password that matches itself.
 */
record PasswordHash(Scheme scheme, String encoded) {

    /** The formats Apache {@code htpasswd} writes (plus glibc {@code $1$}, which it reads). */
    enum Scheme { BCRYPT, APR1, MD5_CRYPT, SHA1, SHA256_CRYPT, SHA512_CRYPT, DES_CRYPT, PLAIN }

    private static final String B64 = "[./0-9A-Za-z]";
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$" + B64 + "{53}");
    private static final Pattern APR1 = Pattern.compile("\\$apr1\\$[^$]{1,8}\\$" + B64 + "{22}");
    private static final Pattern MD5_CRYPT = Pattern.compile("\\$1\\$[^$]{1,8}\\$" + B64 + "{22}");
    private static final Pattern SHA1 = Pattern.compile("\\{SHA\\}[A-Za-z0-9+/]{27}=");
    private static final String ROUNDS = "(rounds=[1-9][0-9]{0,8}\\$)?";
    private static final Pattern SHA256_CRYPT = Pattern.compile("\\$5\\$" + ROUNDS + "[^$]{1,16}\\$" + B64 + "{43}");
    private static final Pattern SHA512_CRYPT = Pattern.compile("\\$6\\$" + ROUNDS + "[^$]{1,16}\\$" + B64 + "{86}");
    private static final Pattern DES_CRYPT = Pattern.compile(B64 + "{13}");

    /** Bcrypt only uses the first 72 bytes of a password (as Apache and OpenBSD do). */
    private static final int BCRYPT_MAX_PASSWORD_BYTES = 72;

    /** Parses a stored hash; empty when the value is empty, of an unknown scheme or corrupt. */
    static Optional<PasswordHash> parse(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Optional.empty();
        }
        Scheme scheme = schemeOf(encoded);
        return scheme == null ? Optional.empty() : Optional.of(new PasswordHash(scheme, encoded));
    }

    private static Scheme schemeOf(String s) {
        if (s.startsWith("$2")) {
            return BCRYPT.matcher(s).matches() ? Scheme.BCRYPT : null;
        }
        if (s.startsWith("$apr1$")) {
            return APR1.matcher(s).matches() ? Scheme.APR1 : null;
        }
        if (s.startsWith("$1$")) {
            return MD5_CRYPT.matcher(s).matches() ? Scheme.MD5_CRYPT : null;
        }
        if (s.startsWith("$5$")) {
            return SHA256_CRYPT.matcher(s).matches() ? Scheme.SHA256_CRYPT : null;
        }
        if (s.startsWith("$6$")) {
            return SHA512_CRYPT.matcher(s).matches() ? Scheme.SHA512_CRYPT : null;
        }
        if (s.startsWith("{SHA}")) {
            return SHA1.matcher(s).matches() ? Scheme.SHA1 : null;
        }
        if (s.startsWith("$") || s.startsWith("{")) {
            return null; // an unknown or mangled scheme is never a plain-text password
        }
        // A 13-character crypt-alphabet value is a DES hash, as crypt(3) sees it; otherwise plain.
        return DES_CRYPT.matcher(s).matches() ? Scheme.DES_CRYPT : Scheme.PLAIN;
    }

    /** Whether {@code password} (raw bytes, normally UTF-8) matches; never throws. */
    boolean matches(byte[] password) {
        try {
            if (scheme == Scheme.PLAIN) {
                return MessageDigest.isEqual(password, encoded.getBytes(StandardCharsets.UTF_8));
            }
            // Commons Codec zeroes the key array it is given: hand it a copy, not the caller's.
            String computed = switch (scheme) {
                case BCRYPT -> bcrypt(password);
                case APR1 -> Md5Crypt.apr1Crypt(password.clone(), encoded);
                case MD5_CRYPT -> Md5Crypt.md5Crypt(password.clone(), encoded);
                case SHA256_CRYPT -> Sha2Crypt.sha256Crypt(password.clone(), encoded);
                case SHA512_CRYPT -> Sha2Crypt.sha512Crypt(password.clone(), encoded);
                case DES_CRYPT -> UnixCrypt.crypt(password.clone(), encoded.substring(0, 2));
                case SHA1 -> "{SHA}" + Base64.getEncoder().encodeToString(sha1(password));
                case PLAIN -> throw new AssertionError("handled above");
            };
            return constantTimeEquals(computed, encoded);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Roughly what one verification costs, in microseconds of one core, to rank the entries of a
     * file (only the order matters): bcrypt doubles per cost step (cost 12 ≈ 250 ms), SHA-crypt
     * is linear in its rounds (5000 by default), APR1/MD5-crypt run 1000 MD5 rounds.
     */
    long relativeCost() {
        return switch (scheme) {
            case BCRYPT -> 61L << Integer.parseInt(encoded.substring(4, 6));
            case SHA256_CRYPT, SHA512_CRYPT -> {
                String rounds = roundsOf(encoded);
                yield rounds.equals("default") ? 5000 : Long.parseLong(rounds);
            }
            case APR1, MD5_CRYPT -> 300;
            case DES_CRYPT -> 20;
            case SHA1 -> 1;
            case PLAIN -> 0;
        };
    }

    /** A key naming the algorithm and its cost, so a dummy verification can cost the same. */
    String costProfile() {
        return switch (scheme) {
            case BCRYPT -> "bcrypt:" + encoded.substring(4, 6);
            case SHA256_CRYPT, SHA512_CRYPT -> scheme + ":" + roundsOf(encoded);
            default -> scheme.name();
        };
    }

    private static String roundsOf(String s) {
        return s.startsWith("rounds=", 3) ? s.substring(10, s.indexOf('$', 10)) : "default";
    }

    private String bcrypt(byte[] password) {
        String version = encoded.substring(1, 3);
        int cost = Integer.parseInt(encoded.substring(4, 6));
        byte[] salt = BcryptBase64.decode(encoded.substring(7, 29), 16);
        byte[] pw = password.length > BCRYPT_MAX_PASSWORD_BYTES
                ? java.util.Arrays.copyOf(password, BCRYPT_MAX_PASSWORD_BYTES) : password;
        // $2a$/$2b$/$2y$ compute the same function for passwords under 256 bytes; BouncyCastle
        // writes back the version it is given, so the output compares with the stored value.
        return OpenBSDBCrypt.generate(version, pw, salt, cost);
    }

    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha1(byte[] password) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(password);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JRE", e);
        }
    }

    /** Never print a hash: log lines and exception messages must not carry it. */
    @Override
    public String toString() {
        return "PasswordHash[" + scheme + "]";
    }
}
