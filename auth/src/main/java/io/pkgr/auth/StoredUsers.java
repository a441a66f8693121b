package io.pkgr.auth;

/**
 * Users kept outside the htpasswd file, such as the first-start admin a registry keeps in its
 * catalog database so that every replica knows the same one. The {@link Authenticator} consults
 * them for a name the htpasswd file does not hold (the file wins for a name in both).
 */
@FunctionalInterface
public interface StoredUsers {

    /**
     * The password hash of {@code user} in an htpasswd format (bcrypt {@code $2y$…} as written by
     * {@code htpasswd -B}), or null when there is no such user. Called on every credential check,
     * so it answers from memory.
     */
    String passwordHash(String user);
}
