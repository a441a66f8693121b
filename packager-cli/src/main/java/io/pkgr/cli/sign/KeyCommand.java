package io.pkgr.cli.sign;

import io.pkgr.api.signing.Ed25519Keys;
import io.pkgr.bundle.AtomicFiles;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.CommandGroup;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkgr key}: signing keys for bundles. */
@Command(name = "key",
        header = "Make Ed25519 keys for signing bundles (pkgr publish --sign).",
        description = {
                "Keys are OpenSSH files: the private key as ssh-keygen -t ed25519 writes it (unencrypted),",
                "the public key as one 'ssh-ed25519 BASE64 comment' line. A trusted keys file for",
                "--trusted-keys is such lines, one per key. Keys made by ssh-keygen -t ed25519 -N '' or",
                "openssl genpkey -algorithm ed25519 (PKCS#8 PEM) sign as well.",
        },
        footer = {"", "Examples:",
                "  pkgr key generate release-key",
                "  pkgr publish -r private --sign release-key",
                "  cat release-key.pub >> trusted-keys.pub; pkgr run --trusted-keys trusted-keys.pub churn-model==1.4.0 train",
                "Docs: docs/signing.md"},
        subcommands = {KeyCommand.Generate.class})
public final class KeyCommand extends CommandGroup {

    @Mixin
    HelpOption help;

    /** {@code pkgr key generate FILE}: FILE (the private key, mode 0600) and FILE.pub. */
    @Command(name = "generate",
            sortOptions = false,
            header = "Write a new Ed25519 key pair: FILE (private, mode 0600) and FILE.pub (public).",
            description = {
                    "Writes the private key in the OpenSSH format (unencrypted: keep it in a secret store",
                    "or a file only the publisher reads) and the public key as one line to FILE.pub, then",
                    "prints the public key's fingerprint (the same as ssh-keygen -lf FILE.pub prints).",
                    "Refuses to overwrite an existing file. Exit codes: 0 written; 2 a file exists or bad options.",
            },
            footer = {"", "Examples:",
                    "  pkgr key generate release-key",
                    "  pkgr key generate --comment 'ci@example.com' ci-signing-key",
                    "Docs: docs/signing.md"})
    public static final class Generate implements Callable<Integer> {

        @Spec
        CommandSpec spec;
        @Mixin
        HelpOption help;
        @Option(names = "--comment", paramLabel = "TEXT",
                description = "The public key's comment, shown when a bundle is verified (default: the file name)")
        String comment;
        @picocli.CommandLine.Parameters(paramLabel = "FILE", description = "Where the private key goes (FILE.pub: the public key)")
        Path file;

        private final CliContext context;

        public Generate(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Path privateFile = context.settings().resolve(file.toString());
            Path publicFile = privateFile.resolveSibling(privateFile.getFileName() + ".pub");
            for (Path p : new Path[] {privateFile, publicFile}) {
                if (Files.exists(p)) {
                    throw new CliException(ExitCode.USAGE, p + " exists; pkgr never overwrites a key (remove it first)");
                }
            }
            Ed25519Keys.KeyPair pair = Ed25519Keys.generate(comment != null ? comment : privateFile.getFileName().toString());
            try {
                AtomicFiles.write(privateFile, "rw-------", Ed25519Keys.toOpenSsh(pair).getBytes(StandardCharsets.US_ASCII));
                AtomicFiles.write(publicFile, "rw-r--r--", (pair.publicKey().line() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw CliException.cannotWrite("the key", privateFile, e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("wrote " + privateFile + " (private, keep it secret) and " + publicFile);
            out.println(pair.publicKey().fingerprint() + " " + pair.publicKey().comment());
            out.flush();
            return ExitCode.OK;
        }
    }
}
