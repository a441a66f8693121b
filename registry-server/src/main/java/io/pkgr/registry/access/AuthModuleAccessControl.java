package io.pkgr.registry.access;

import io.pkgr.auth.AccessRules;
import io.pkgr.auth.AuthResult;
import io.pkgr.auth.Authenticator;
import java.net.InetAddress;
import java.time.Duration;

/** {@link AccessControl} backed by the {@code auth} module's htpasswd authenticator and YAML access rules. */
public final class AuthModuleAccessControl implements AccessControl {

    private final Authenticator authenticator;
    private final AccessRules rules;

    public AuthModuleAccessControl(Authenticator authenticator, AccessRules rules) {
        this.authenticator = authenticator;
        this.rules = rules;
    }

    @Override
    public AuthOutcome authenticate(String authorizationHeader, InetAddress client) {
        AuthResult result = authenticator.authenticate(authorizationHeader, client.getHostAddress());
        return switch (result.status()) {
            case ANONYMOUS -> new AuthOutcome.Anonymous();
            case OK -> new AuthOutcome.Authenticated(result.user());
            case MALFORMED -> new AuthOutcome.Malformed();
            case RATE_LIMITED -> new AuthOutcome.RateLimited(Duration.ofSeconds(result.retryAfterSeconds()));
            default -> new AuthOutcome.BadCredentials();
        };
    }

    @Override
    public boolean allows(Principal principal, Permission permission, String normalizedName) {
        return rules.allows(principal.user(), io.pkgr.auth.Permission.valueOf(permission.name()), normalizedName);
    }

    @Override
    public boolean anonymousReadEnabled() {
        return rules.anonymousRead();
    }

    public long cacheHits() {
        return authenticator.cacheHits();
    }

    public long cacheMisses() {
        return authenticator.cacheMisses();
    }
}
