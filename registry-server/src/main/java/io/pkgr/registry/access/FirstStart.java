package io.pkgr.registry.access;

import io.pkgr.auth.HtpasswdWriter;
import io.pkgr.registry.catalog.SharedUsers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Makes a data directory usable: an {@code admin} user with a random password when there is no
 * htpasswd file, and access rules when none exist (admin-only for that fresh admin; for an
 * htpasswd file the operator brought, pypiserver's "every user may read and publish").
 */
public final class FirstStart {

    public static final String ADMIN = "admin";
    /** Where, in the data directory, the first-start admin password is written (mode 0600). */
    public static final String PASSWORD_FILE = "admin-password";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int PASSWORD_LENGTH = 24;
    static final String ADMIN_RULES = """
            # Who may do what; format in docs/auth.md. Created on first start.
            rules:
              - bundles: ["*"]
                users: [admin]
                allow: [admin]
            """;
    static final String EVERY_USER_PUBLISHES_RULES = """
            # Who may do what; format in docs/auth.md. Created at start because there were no rules
            # for this htpasswd file: like pypiserver, every user in it may read and publish every
            # bundle (publish implies read). Nobody may yank or delete. Narrow or extend the rule
            # below; the server reloads this file when it changes.
            rules:
              - bundles: ["*"]
                users: ["*"]
                allow: [publish]
            """;

    /** The rules {@link #ensureAccessRules} wrote, to tell the operator at start. */
    public enum CreatedRules { NONE, ADMIN_ONLY, EVERY_USER_PUBLISHES }

    private FirstStart() {
    }

    /**
     * Creates {@code htpasswd} with user {@code admin} when the file does not exist, writing the
     * generated password to {@code passwordFile} (readable by its owner only) rather than to any
     * log; returns whether the admin was created.
     */
    public static boolean ensureHtpasswd(Path htpasswd, Path passwordFile) throws IOException {
        if (Files.exists(htpasswd)) {
            return false;
        }
        Files.createDirectories(htpasswd.toAbsolutePath().getParent());
        char[] password = randomPassword();
        try {
            // the password file first: an htpasswd whose admin password nobody can read is a lock-out
            writeOwnerOnly(passwordFile, new String(password) + "\n");
            new HtpasswdWriter(htpasswd).put(ADMIN, password);
            return true;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * The first-start admin of replicas sharing a catalog database, when no htpasswd file is given:
     * every replica tries to store {@code admin} with a new random password in {@code users}, and
     * the one that stored it (one across all, by the database's unique key) writes the password to
     * {@code passwordFile} and returns true; the others write nothing and use the stored admin.
     */
    public static boolean ensureSharedAdmin(SharedUsers users, Path passwordFile) throws IOException {
        if (users.passwordHash(ADMIN) != null) {
            return false;
        }
        char[] password = randomPassword();
        try {
            // the password file first, as for htpasswd; removed again when another replica won
            writeOwnerOnly(passwordFile, new String(password) + "\n");
            boolean won = users.createIfAbsent(ADMIN,
                    HtpasswdWriter.bcryptHash(password, HtpasswdWriter.DEFAULT_BCRYPT_COST));
            if (!won) {
                Files.deleteIfExists(passwordFile);
            }
            return won;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * Writes rules to {@code accessFile} unless it exists: admin-only when the admin was just
     * created, otherwise every user of the existing htpasswd file may read and publish.
     */
    public static CreatedRules ensureAccessRules(Path accessFile, boolean adminCreated) throws IOException {
        Files.createDirectories(accessFile.toAbsolutePath().getParent());
        String rules = adminCreated ? ADMIN_RULES : EVERY_USER_PUBLISHES_RULES;
        try {
            Files.writeString(accessFile, rules, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            return adminCreated ? CreatedRules.ADMIN_ONLY : CreatedRules.EVERY_USER_PUBLISHES;
        } catch (FileAlreadyExistsException e) {
            return CreatedRules.NONE;
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file); // left by an earlier data directory: its password is void now
        try {
            // created 0600 (never briefly readable by others), then filled
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
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
