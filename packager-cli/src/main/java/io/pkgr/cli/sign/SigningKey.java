package io.pkgr.cli.sign;

import io.pkgr.api.BundleSignature;
import io.pkgr.api.signing.Ed25519Keys;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A publisher's private key read from a file for {@code pkgr publish --sign}. */
public final class SigningKey {

    private final Ed25519Keys.KeyPair pair;

    private SigningKey(Ed25519Keys.KeyPair pair) {
        this.pair = pair;
    }

    /**
     * Reads {@code file}, taking the public key's comment from {@code FILE.pub} when it is there;
     * a usage error saying what is wrong otherwise.
     */
    public static SigningKey read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, "signing key " + file + ": not found (make one with 'pkgr key generate')");
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read the signing key " + file + ": " + e.getMessage());
        }
        try {
            Ed25519Keys.KeyPair pair = Ed25519Keys.readPrivate(text, file.getFileName().toString());
            return new SigningKey(Ed25519Keys.readPrivate(text, comment(file, pair)));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "signing key " + file + ": " + e.getMessage());
        }
    }

    /** The signature of {@code bundle}'s statement (name, version, sha256). */
    public BundleSignature sign(BundleInfo bundle) {
        byte[] statement = BundleSignature.statement(bundle.manifest().name(), bundle.manifest().version(), bundle.sha256());
        return new BundleSignature(pair.publicKey().line(), Ed25519Keys.sign(pair, statement));
    }

    /** The fingerprint of the public key, as ssh-keygen -l prints it. */
    public String fingerprint() {
        return pair.publicKey().fingerprint();
    }

    /** The comment of FILE.pub when it holds this key, else the file's name. */
    private static String comment(Path file, Ed25519Keys.KeyPair pair) {
        try {
            String line = Files.readString(file.resolveSibling(file.getFileName() + ".pub"), StandardCharsets.UTF_8);
            io.pkgr.api.signing.PublicKeyLine pub = io.pkgr.api.signing.PublicKeyLine.parse(line);
            return pub.equals(pair.publicKey()) && !pub.comment().isEmpty() ? pub.comment() : file.getFileName().toString();
        } catch (IOException | IllegalArgumentException e) {
            return file.getFileName().toString();
        }
    }
}
