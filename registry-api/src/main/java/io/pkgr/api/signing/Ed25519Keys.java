package io.pkgr.api.signing;

import io.pkgr.api.BundleSignature;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Ed25519 through BouncyCastle: key generation, private key files, signing and verifying
 * {@link BundleSignature#statement statements}. Private keys are read from the OpenSSH format
 * ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, unencrypted, as {@code ssh-keygen -t ed25519 -N ''}
 * and {@code pkgr key generate} write) or PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}, as
 * {@code openssl genpkey -algorithm ed25519} writes).
 */
public final class Ed25519Keys {

    private Ed25519Keys() {
    }

    /** A private key with its public line. */
    public record KeyPair(Ed25519PrivateKeyParameters privateKey, PublicKeyLine publicKey) {
    }

    /** A new key pair from a strong random source. */
    public static KeyPair generate(String comment) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
        return new KeyPair(key, PublicKeyLine.of(key.generatePublicKey().getEncoded(), comment));
    }

    /** The private key as an unencrypted OpenSSH key file (what {@code ssh-keygen} reads). */
    public static String toOpenSsh(KeyPair pair) {
        StringWriter text = new StringWriter();
        try (PemWriter pem = new PemWriter(text)) {
            pem.writeObject(new PemObject("OPENSSH PRIVATE KEY", OpenSSHPrivateKeyUtil.encodePrivateKey(pair.privateKey())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    /**
     * Reads a private key file's text; {@link IllegalArgumentException} with the reason when it is
     * not an Ed25519 key in one of the two formats (an encrypted OpenSSH key is refused by name).
     */
    public static KeyPair readPrivate(String text, String comment) {
        PemObject pem;
        try (PemReader reader = new PemReader(new StringReader(text))) {
            pem = reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a PEM file (" + e.getMessage() + ")");
        }
        if (pem == null) {
            throw new IllegalArgumentException("no PEM block: expected -----BEGIN OPENSSH PRIVATE KEY----- or"
                    + " -----BEGIN PRIVATE KEY-----");
        }
        AsymmetricKeyParameter key;
        try {
            key = switch (pem.getType()) {
                case "OPENSSH PRIVATE KEY" -> {
                    if (new String(pem.getContent(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("bcrypt")) {
                        throw new IllegalArgumentException("the key is encrypted with a passphrase; pkgr reads unencrypted"
                                + " keys only (keep the file mode 0600, or decrypt a copy with ssh-keygen -p)");
                    }
                    yield OpenSSHPrivateKeyUtil.parsePrivateKeyBlob(pem.getContent());
                }
                case "PRIVATE KEY" -> PrivateKeyFactory.createKey(pem.getContent());
                default -> throw new IllegalArgumentException("a " + pem.getType() + " block is not an Ed25519 private key"
                        + " (expected OPENSSH PRIVATE KEY or PRIVATE KEY)");
            };
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                    && (iae.getMessage().startsWith("the key is") || iae.getMessage().startsWith("a "))) {
                throw iae;
            }
            throw new IllegalArgumentException("unreadable private key (" + e.getMessage() + ")");
        }
        if (!(key instanceof Ed25519PrivateKeyParameters ed)) {
            throw new IllegalArgumentException("the key is not an Ed25519 key (" + key.getClass().getSimpleName()
                    .replace("PrivateKeyParameters", "") + "); pkgr signs with Ed25519 only");
        }
        return new KeyPair(ed, PublicKeyLine.of(ed.generatePublicKey().getEncoded(), comment));
    }

    /** Signs {@code statement} (base64 of the 64-byte signature). */
    public static String sign(KeyPair pair, byte[] statement) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, pair.privateKey());
        signer.update(statement, 0, statement.length);
        return Base64.getEncoder().encodeToString(signer.generateSignature());
    }

    /** True when {@code signatureBase64} is {@code key}'s valid signature of {@code statement}. */
    public static boolean verify(PublicKeyLine key, byte[] statement, String signatureBase64) {
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(signatureBase64);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(key.rawKey(), 0));
        verifier.update(statement, 0, statement.length);
        return verifier.verifySignature(signature);
    }
}
