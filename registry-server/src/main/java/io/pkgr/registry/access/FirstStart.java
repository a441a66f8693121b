package io.pkgr.registry.access;

import io.pkgr.auth.HtpasswdWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/** Makes a fresh data directory usable: an {@code admin} user with a random password, and rules giving it everything. */
public final class FirstStart {

    public static final String ADMIN = "admin";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 24;
    static final String ADMIN_RULES = """
            # Who may do what; format in docs/auth.md. Created on first start.
            rules:
              - bundles: ["*"]
                users: [admin]
                allow: [admin]
            """;

    private FirstStart() {
    }

    /**
     * Creates {@code htpasswd} with user {@code admin} when the file does not exist, and returns the
     * generated password (to be shown once); empty when the file was already there.
     */
    public static Optional<String> ensureHtpasswd(Path htpasswd) throws IOException {
        if (Files.exists(htpasswd)) {
            return Optional.empty();
        }
        Files.createDirectories(htpasswd.toAbsolutePath().getParent());
        char[] password = randomPassword();
        try {
            new HtpasswdWriter(htpasswd).put(ADMIN, password);
            return Optional.of(new String(password));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Writes the admin-only rules to {@code accessFile} unless it exists; true when written. */
    public static boolean ensureAccessRules(Path accessFile) throws IOException {
        Files.createDirectories(accessFile.toAbsolutePath().getParent());
        try {
            Files.writeString(accessFile, ADMIN_RULES, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private static char[] randomPassword() {
        SecureRandom random = new SecureRandom();
        char[] password = new char[PASSWORD_LENGTH];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return password;
    }
}
