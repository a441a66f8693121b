package io.pkgr.cli.sign;

import io.pkgr.api.BundleSignature;
import io.pkgr.api.VersionRecord;
import io.pkgr.api.signing.Ed25519Keys;
import io.pkgr.api.signing.PublicKeyLine;
import io.pkgr.bundle.BundleInfo;
import io.pkgr.bundle.BundleReader;
import io.pkgr.bundle.BundleSpec;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.VersionSpec;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.RegistryCommand;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pkgr verify}: who signed a bundle version, and whether the signature holds. */
@Command(name = "verify",
        sortOptions = false,
        header = "Say who signed a bundle version and check the signature (and the key, with --trusted-keys).",
        description = {
                "Reads the version record from the registry (for FILE: the record of the file's name and",
                "version, which must have the file's sha256), checks its Ed25519 signature over the",
                "version's sha256, name and version, and prints the signer's key fingerprint and comment.",
                "With --trusted-keys FILE (or the repository's trusted-keys setting) the signer must also",
                "be one of those keys.",
                "Exit codes: 0 validly signed (and trusted, when keys are given); 7 unsigned, a signature",
                "that does not hold, an untrusted signer, or a FILE the registry holds other bytes for;",
                "3 no such version; 2 usage.",
        },
        footer = {"", "Examples:",
                "  pkgr verify -r private churn-model==1.4.0",
                "  pkgr verify -r private --trusted-keys release-keys.pub dist/churn-model-1.4.0.pkgr",
                "Docs: docs/signing.md"})
public final class VerifyCommand extends RegistryCommand {

    @Option(names = "--trusted-keys", paramLabel = "FILE", description = "Require the signer to be one of the ssh-ed25519 keys in FILE")
    Path trustedKeys;

    @Parameters(paramLabel = "FILE|NAME==VERSION", description = "A .pkgr file, or an exact version on the registry")
    String what;

    public VerifyCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path file = context.settings().resolve(what);
        VersionRecord record;
        String subject;
        if (what.endsWith(".pkgr") || Files.isRegularFile(file)) {
            BundleInfo info = BundleReader.verify(file);
            record = repository.client(context).record(info.manifest().name(), info.manifest().version());
            subject = what + " (" + record.name() + " " + record.version() + ")";
            if (!record.sha256().equals(info.sha256())) {
                throw new CliException(ExitCode.INTEGRITY, what + " has sha256 " + info.sha256().hex() + " but the registry's "
                        + record.name() + " " + record.version() + " has " + record.sha256().hex()
                        + ": its signature says nothing about this file");
            }
        } else {
            BundleSpec spec = BundleSpec.parse(what);
            if (!(spec.version() instanceof VersionSpec.Exact exact)) {
                throw new CliException(ExitCode.USAGE, "expected a .pkgr file or NAME==VERSION, not '" + what + "'");
            }
            record = repository.client(context).record(spec.name(), exact.version());
            subject = record.name() + " " + record.version();
        }
        Sha256 sha256 = record.sha256();
        BundleSignature signature = record.signature();
        if (signature == null) {
            throw new CliException(ExitCode.INTEGRITY, subject + " sha256 " + sha256.hex() + " is not signed");
        }
        PublicKeyLine key;
        try {
            key = PublicKeyLine.parse(signature.key());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.INTEGRITY, subject + ": the signature's key is unreadable: " + e.getMessage());
        }
        String signer = key.fingerprint() + (key.comment().isEmpty() ? "" : " (" + key.comment() + ")");
        if (!Ed25519Keys.verify(key, BundleSignature.statement(record.name(), record.version(), sha256), signature.signature())) {
            throw new CliException(ExitCode.INTEGRITY, subject + ": the signature by " + signer + " does not hold for sha256 "
                    + sha256.hex());
        }
        Optional<TrustedKeys> trusted = trusted();
        if (trusted.isPresent() && trusted.get().find(key).isEmpty()) {
            throw new CliException(ExitCode.INTEGRITY, subject + " is validly signed by " + signer + ", which is not a trusted"
                    + " key (" + trusted.get().source() + ")");
        }
        out.println(subject + " sha256 " + sha256.hex());
        out.println("signed by " + signer + ": signature valid" + trusted.map(t -> "; trusted (" + t.source() + ")")
                .orElse("; no trusted keys given, so the signer is not checked"));
        out.flush();
        return ExitCode.OK;
    }

    private Optional<TrustedKeys> trusted() {
        SignatureOptions options = SignatureOptions.of(false, trustedKeys);
        var keys = options.keysToPin(context, trustedKeys != null ? null : context.repositoryName(repository.name()));
        String source = trustedKeys != null ? trustedKeys.toString() : SignatureOptions.settingKey(
                context.repositoryName(repository.name()));
        return keys.isEmpty() ? Optional.empty() : Optional.of(new TrustedKeys(source, keys));
    }
}
