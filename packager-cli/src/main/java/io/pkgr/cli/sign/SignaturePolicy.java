package io.pkgr.cli.sign;

import io.pkgr.api.BundleSignature;
import io.pkgr.api.signing.PublicKeyLine;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.cache.CacheLayout;
import io.pkgr.cli.cache.FileOps;
import io.pkgr.cli.install.ResolvedBundle;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a bundle may be installed: with no trusted keys anything goes; with trusted keys the
 * version record must carry a valid Ed25519 signature ({@link BundleSignature}) by one of them,
 * else {@link ExitCode#INTEGRITY} before anything is downloaded or installed. The bytes are then
 * held to the signed sha256 by the download's own digest check.
 *
 * <p>Checking a signature loads BouncyCastle, which costs a warm run more than its own work. So the
 * outcome is cached beside the cached record ({@code bundles/sha256/HEX.signature}): the signer's
 * key and the signature that was found valid for that digest, name and version. A later run that
 * finds the same signature there and trusts the same key skips the cryptography; the file is
 * written only after a successful check, and the cache is trusted as the environments in it are.
 */
public final class SignaturePolicy {

    private static final SignaturePolicy NONE = new SignaturePolicy(List.of());

    private final List<TrustedKeys> trusted;

    private SignaturePolicy(List<TrustedKeys> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** Accepts anything. */
    public static SignaturePolicy none() {
        return NONE;
    }

    /**
     * Requires a valid signature by a key that every one of {@code trusted} holds (a lock's pinned
     * keys and a --trusted-keys file given together must both trust the signer); none when empty.
     */
    public static SignaturePolicy requiring(List<TrustedKeys> trusted) {
        return trusted.isEmpty() ? NONE : new SignaturePolicy(trusted);
    }

    public boolean required() {
        return !trusted.isEmpty();
    }

    /** Throws {@link ExitCode#INTEGRITY} unless {@code bundle} may be installed; returns the trusted signer (null when none is required). */
    public PublicKeyLine check(ResolvedBundle bundle, CacheLayout cache) {
        return check(bundle.name(), bundle.version(), bundle.sha256(), bundle.signature(), cache);
    }

    /** {@link #check(ResolvedBundle, CacheLayout)} for a version record's fields. */
    public PublicKeyLine check(BundleName name, Version version, Sha256 sha256, BundleSignature signature, CacheLayout cache) {
        if (trusted.isEmpty()) {
            return null;
        }
        String what = name + " " + version;
        if (signature == null) {
            throw refused(what + " is not signed, and a signature by a trusted key is required (" + sources() + ")");
        }
        PublicKeyLine key;
        try {
            key = PublicKeyLine.parse(signature.key());
        } catch (IllegalArgumentException e) {
            throw refused(what + " carries a signature with an unreadable key: " + e.getMessage());
        }
        PublicKeyLine signer = key;
        for (TrustedKeys keys : trusted) {
            signer = keys.find(key).orElseThrow(() -> refused(what + " is signed by " + key.fingerprint()
                    + describe(key) + ", which is not a trusted key (" + keys.source() + ")"));
        }
        Path outcome = cache.bundlesDir().resolve(sha256.hex() + ".signature");
        String expected = outcome(name, version, sha256, key, signature);
        if (!expected.equals(read(outcome))) {
            if (!SignatureCheck.valid(name, version, sha256, key, signature)) {
                throw refused("the signature of " + what + " by " + key.fingerprint() + describe(signer)
                        + " does not match sha256 " + sha256.hex() + " (a signature over other bytes, or"
                        + " tampered with)");
            }
            write(outcome, expected);
        }
        return signer;
    }

    private String sources() {
        return String.join(" and ", trusted.stream().map(TrustedKeys::source).toList());
    }

    private static CliException refused(String message) {
        return new CliException(ExitCode.INTEGRITY, message + "; nothing was installed");
    }

    private static String describe(PublicKeyLine key) {
        return key.comment().isEmpty() ? "" : " (" + key.comment() + ")";
    }

    /** What the cache holds after a valid check: every input of the check, one per line. */
    private static String outcome(BundleName name, Version version, Sha256 sha256, PublicKeyLine key,
            BundleSignature signature) {
        return BundleSignature.STATEMENT_HEADER + "\n" + name.normalized() + "\n" + version + "\n" + sha256.hex() + "\n" + key.keyText() + "\n" + signature.signature() + "\n";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            FileOps.writeAtomically(file, content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the check passed; without the cached outcome the next run checks again
        }
    }

    /** The cryptography, in a class of its own so that only a check that needs it loads BouncyCastle. */
    private static final class SignatureCheck {
        static boolean valid(BundleName name, Version version, Sha256 sha256, PublicKeyLine key, BundleSignature signature) {
            return io.pkgr.api.signing.Ed25519Keys.verify(key, BundleSignature.statement(name, version, sha256),
                    signature.signature());
        }
    }
}
