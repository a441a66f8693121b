package io.pkgr.cli.sign;

import io.pkgr.api.signing.PublicKeyLine;
import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --require-signature} and {@code --trusted-keys FILE} of {@code run}, {@code install} and
 * {@code lock}, and where else trust comes from: the repository's {@code trusted-keys.NAME} setting
 * ({@code PKGR_TRUSTED_KEYS_NAME}) and the keys a lock pins. Any of them makes a signature required.
 */
public final class SignatureOptions {

    @Option(names = "--require-signature",
            description = "Refuse (exit 7) a bundle not signed by a trusted key: --trusted-keys, the repository's"
                    + " trusted-keys setting, or the lock's pinned keys")
    boolean requireSignature;

    @Option(names = "--trusted-keys", paramLabel = "FILE",
            description = "Trust the ssh-ed25519 public keys in FILE (one per line); implies --require-signature")
    Path trustedKeys;

    /** The options as {@code WarmStart} parsed them. */
    public static SignatureOptions of(boolean requireSignature, Path trustedKeys) {
        SignatureOptions options = new SignatureOptions();
        options.requireSignature = requireSignature;
        options.trustedKeys = trustedKeys;
        return options;
    }

    /** The setting naming a repository's trusted keys file. */
    public static String settingKey(String repository) {
        return "trusted-keys." + repository;
    }

    /** Reads the --trusted-keys file now, so that a bad one fails before any network or cache work. */
    public void validate(CliContext context) {
        if (trustedKeys != null) {
            TrustedKeys.read(context.settings().resolve(trustedKeys.toString()));
        }
    }

    /** The --trusted-keys file, or null. */
    public Path trustedKeysFile() {
        return trustedKeys;
    }

    /**
     * The policy for bundles from {@code repository} (null when unknown), with {@code lockKeys} a
     * lock's pinned keys (empty when none or not from a lock).
     */
    public SignaturePolicy policy(CliContext context, String repository, List<String> lockKeys, String lockSource) {
        List<TrustedKeys> trusted = new ArrayList<>();
        if (trustedKeys != null) {
            trusted.add(TrustedKeys.read(context.settings().resolve(trustedKeys.toString())));
        } else if (repository != null) {
            String configured = configured(context, repository);
            if (configured != null) {
                trusted.add(TrustedKeys.read(context.settings().resolve(configured)));
            }
        }
        if (!lockKeys.isEmpty()) {
            trusted.add(TrustedKeys.parse(lockSource + " trustedKeys", lockKeys));
        }
        if (requireSignature && trusted.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "--require-signature needs trusted keys: pass --trusted-keys FILE, set"
                    + " them for the repository with 'pkgr config " + settingKey(repository == null ? "NAME" : repository)
                    + " FILE', or pin them in the lock ('pkgr lock --trusted-keys FILE')");
        }
        return SignaturePolicy.requiring(trusted);
    }

    /** The keys to pin in a lock: the --trusted-keys file's, else the repository's; empty when none. */
    public List<PublicKeyLine> keysToPin(CliContext context, String repository) {
        Path file = trustedKeys != null ? context.settings().resolve(trustedKeys.toString()) : null;
        if (file == null && repository != null) {
            String configured = configured(context, repository);
            file = configured == null ? null : context.settings().resolve(configured);
        }
        return file == null ? List.of() : TrustedKeys.read(file).keys();
    }

    private static String configured(CliContext context, String repository) {
        String fromEnv = context.settings().get(Settings.envName("PKGR_TRUSTED_KEYS_", repository, ""));
        return fromEnv != null ? fromEnv : context.config().config().get(settingKey(repository));
    }
}
