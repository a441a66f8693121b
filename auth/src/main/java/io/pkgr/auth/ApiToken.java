package io.pkgr.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored API token: whose it is, what it may do, until when. The secret itself is never kept,
 * only the SHA-256 of it ({@code secretSha256}, hex).
 *
 * @param id the public part of the token, unique in the registry (e.g. {@code k3x9q2mz})
 * @param user the owner: the token acts as this user, narrowed to its scopes
 * @param name the owner's label for it (unique per owner), e.g. {@code ci-churn}
 * @param expires null for a token that never expires
 * @param lastUsed null until first used; written lazily, so it may lag by a minute
 */
public record ApiToken(String id, String user, String name, List<TokenScope> scopes, Instant created,
                       Instant expires, Instant lastUsed, String secretSha256) {

    public ApiToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(secretSha256, "secretSha256");
        scopes = List.copyOf(scopes);
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one scope");
        }
    }

    /** Whether one of the scopes allows {@code wanted} on the (normalised) bundle name. */
    public boolean allows(Permission wanted, String normalizedName) {
        for (TokenScope scope : scopes) {
            if (scope.allows(wanted, normalizedName)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of the scopes allows {@code wanted} on {@code name} matched exactly (Maven coordinates). */
    public boolean allowsExactly(Permission wanted, String name) {
        for (TokenScope scope : scopes) {
            if (scope.allowsExactly(wanted, name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some scope grants {@code wanted} at all (on some name). */
    public boolean allowsOnSomeName(Permission wanted) {
        return scopes.stream().anyMatch(scope -> scope.permission().implies(wanted));
    }

    /** Whether the token has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /** This token with {@code lastUsed} set. */
    public ApiToken usedAt(Instant when) {
        return new ApiToken(id, user, name, scopes, created, expires, when, secretSha256);
    }

    @Override
    public String toString() {
        return "ApiToken[" + id + " " + user + "/" + name + "]"; // never the hash
    }
}
