package io.pkgr.registry.access;

import io.pkgr.auth.AccessRules;
import io.pkgr.auth.ApiTokens;
import io.pkgr.auth.AuthResult;
import io.pkgr.auth.Authenticator;
import io.pkgr.auth.Permission;
import io.pkgr.bundle.Sha256;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** {@link AccessControl} backed by the {@code auth} module's htpasswd authenticator and YAML access rules. */
public final class AuthModuleAccessControl implements AccessControl {

    private final Authenticator authenticator;
    private final AccessRules rules;

    private static final long HINT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int HINT_MAX_ENTRIES = 1024;

    // keys are a salted sha256 of the header (never the credentials themselves) → hint expiry (nanoTime)
    private final ConcurrentHashMap<String, Long> verified = new ConcurrentHashMap<>();
    private final byte[] salt = randomSalt();

    public AuthModuleAccessControl(Authenticator authenticator, AccessRules rules) {
        this.authenticator = authenticator;
        this.rules = rules;
    }

    /**
     * True when the last check of exactly this header succeeded less than a minute ago: then
     * {@link #authenticate} answers from the auth module's verification cache (10 minutes), and
     * the request stays on its IO thread instead of a round trip through a worker. Only a hint: if
     * the cache dropped the entry meanwhile (htpasswd reloaded, more than its 10,000 entries), one
     * hash check runs on the IO thread and the hint goes with a failed outcome.
     */
    @Override
    public boolean isCached(String authorizationHeader) {
        if (authorizationHeader == null || authenticator.isTokenInMemory(authorizationHeader)) {
            return true; // a token check is one SHA-256 over memory: never worth a worker
        }
        Long until = verified.get(hintKey(authorizationHeader));
        return until != null && until - System.nanoTime() > 0;
    }

    @Override
    public AuthResult authenticate(String authorizationHeader, InetAddress client) {
        AuthResult result = authenticator.authenticate(authorizationHeader, client.getHostAddress());
        if (authorizationHeader != null) {
            String key = hintKey(authorizationHeader);
            if (result.status() == AuthResult.Status.OK) {
                if (verified.size() >= HINT_MAX_ENTRIES) {
                    verified.clear();
                }
                verified.put(key, System.nanoTime() + HINT_NANOS);
            } else {
                verified.remove(key);
            }
        }
        return result;
    }

    /** What the user may do, and with a token only what one of its scopes allows as well: checked at each use. */
    @Override
    public boolean allows(Principal principal, Permission permission, String normalizedName) {
        return rules.allows(principal.user(), permission, normalizedName)
                && (principal.token() == null || principal.token().allows(permission, normalizedName));
    }

    /** Like {@link #allows}, matching the rules' and the token's patterns as written. */
    @Override
    public boolean allowsExactly(Principal principal, Permission permission, String name) {
        return rules.allowsExactly(principal.user(), permission, name)
                && (principal.token() == null || principal.token().allowsExactly(permission, name));
    }

    @Override
    public java.util.Optional<String> credentialFingerprint(String user) {
        return authenticator.credentialFingerprint(user);
    }

    @Override
    public boolean allowsOnSomeName(Principal principal, Permission permission) {
        return rules.allowsOnSomeName(principal.user(), permission)
                && (principal.token() == null || principal.token().allowsOnSomeName(permission));
    }

    /** The access rules (token scopes are checked against them when a token is made). */
    public AccessRules rules() {
        return rules;
    }

    /** The API tokens, or null when this registry has none configured. */
    public ApiTokens tokens() {
        return authenticator.tokens();
    }



    @Override
    public boolean anonymousReadEnabled() {
        return rules.anonymousRead();
    }

    private static byte[] randomSalt() {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return salt;
    }

    private String hintKey(String header) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(salt);
        return HexFormat.of().formatHex(digest.digest(header.getBytes(StandardCharsets.UTF_8)));
    }

    public long cacheHits() {
        return authenticator.cacheHits();
    }

    public long cacheMisses() {
        return authenticator.cacheMisses();
    }
}
