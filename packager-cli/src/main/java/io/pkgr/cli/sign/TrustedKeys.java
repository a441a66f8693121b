package io.pkgr.cli.sign;

import io.pkgr.api.signing.PublicKeyLine;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The public keys a client trusts to sign bundles: a file in the {@code authorized_keys} style,
 * one OpenSSH line per key ({@code ssh-ed25519 BASE64 [comment]}), blank lines and lines starting
 * with {@code #} ignored; or the {@code trustedKeys} pinned in a {@code pkgr.lock}. Read with the
 * JDK only (no BouncyCastle), as a warm run reads it.
 *
 * @param source where the keys come from, for messages
 */
public record TrustedKeys(String source, List<PublicKeyLine> keys) {

    public TrustedKeys {
        keys = List.copyOf(keys);
    }

    /** Reads a trusted keys file; a usage error naming the line when a line is not an ssh-ed25519 key. */
    public static TrustedKeys read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, "trusted keys file " + file + ": not found");
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read the trusted keys file " + file + ": " + e.getMessage());
        }
        TrustedKeys keys = parse(file.toString(), lines);
        if (keys.keys().isEmpty()) {
            throw new CliException(ExitCode.USAGE, "trusted keys file " + file + " holds no key (one 'ssh-ed25519 BASE64"
                    + " [comment]' line per key)");
        }
        return keys;
    }

    /** Parses key lines from {@code source} (a file, a lock). */
    public static TrustedKeys parse(String source, List<String> lines) {
        List<PublicKeyLine> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                keys.add(PublicKeyLine.parse(line));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, source + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new TrustedKeys(source, keys);
    }

    /** The trusted key equal to {@code key} (its comment as this list spells it), or empty. */
    public Optional<PublicKeyLine> find(PublicKeyLine key) {
        return keys.stream().filter(key::equals).findFirst();
    }

    /** Both lists' keys, each once. */
    public TrustedKeys and(TrustedKeys other) {
        List<PublicKeyLine> all = new ArrayList<>(keys);
        other.keys().stream().filter(k -> !all.contains(k)).forEach(all::add);
        return new TrustedKeys(source + " and " + other.source(), all);
    }
}
