package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.api.signing.PublicKeyLine;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A publisher's Ed25519 signature of one version, kept in its {@link VersionRecord}: {@code key}
 * is the signer's public key as one OpenSSH line ({@code ssh-ed25519 BASE64 [comment]}), and
 * {@code signature} the base64 of the 64-byte Ed25519 signature of {@link #statement}. Verifying
 * it needs {@link io.pkgr.api.signing.Ed25519Keys} (BouncyCastle); this record itself loads no
 * cryptography, so a warm run can read it for free.
 */
@JsonPropertyOrder({"key", "signature"})
public record BundleSignature(@JsonProperty("key") String key, @JsonProperty("signature") String signature) {

    /** The request header carrying the signer's public key line on a publish ({@code PUT …/NAME/VERSION}). */
    public static final String KEY_HEADER = "X-Pkgr-Signature-Key";
    /** The request header carrying the base64 signature on a publish. */
    public static final String SIGNATURE_HEADER = "X-Pkgr-Signature";

    /** The first line of every signed statement: the format's name and version. */
    public static final String STATEMENT_HEADER = "pkgr-bundle-signature-v1";

    public BundleSignature {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(signature, "signature");
    }

    /**
     * The exact bytes a publisher signs (UTF-8, four lines, each ended by a line feed):
     * <pre>
     * pkgr-bundle-signature-v1
     * name=NAME          (PEP 503 normalised)
     * version=VERSION    (as published, build metadata included)
     * sha256=HEX         (the .pkgr file's, lower case)
     * </pre>
     * Covering the name and version as well as the digest keeps a signature from being moved to
     * another name or version holding the same bytes.
     */
    public static byte[] statement(BundleName name, Version version, Sha256 sha256) {
        return (STATEMENT_HEADER + "\nname=" + name.normalized() + "\nversion=" + version + "\nsha256=" + sha256.hex() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The signer's key fingerprint as {@code ssh-keygen -l} prints it ({@code SHA256:…}). */
    public String fingerprint() {
        return PublicKeyLine.parse(key).fingerprint();
    }
}
