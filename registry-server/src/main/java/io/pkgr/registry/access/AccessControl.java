package io.pkgr.registry.access;

import io.pkgr.auth.AuthResult;
import io.pkgr.auth.Permission;
import java.net.InetAddress;

/** The server's seam to authentication and access rules (backed by the {@code auth} module). */
public interface AccessControl {

    /**
     * Checks the raw {@code Authorization} header (null when absent) from {@code client}. May block
     * (bcrypt on a cache miss): call it on a worker thread unless {@link #isCached} says otherwise.
     */
    AuthResult authenticate(String authorizationHeader, InetAddress client);

    /** True when {@link #authenticate} would answer from memory without blocking. */
    default boolean isCached(String authorizationHeader) {
        return authorizationHeader == null;
    }

    /** Whether {@code principal} may do {@code permission} on the (normalized) bundle name. */
    boolean allows(Principal principal, Permission permission, String normalizedName);

    /**
     * Whether {@code principal} may do {@code permission} on {@code name} matched exactly, with no
     * folding of case or separators: for Maven coordinates ({@code GROUP:ARTIFACT}).
     */
    boolean allowsExactly(Principal principal, Permission permission, String name);

    /** Whether {@code principal} may do {@code permission} on at least one name (checked before an upload body is read). */
    boolean allowsOnSomeName(Principal principal, Permission permission);

    /**
     * A digest of {@code user}'s password entry as it is now, empty when the user no longer exists:
     * what a web session is bound to (it ends when this changes).
     */
    java.util.Optional<String> credentialFingerprint(String user);

    /** Whether anonymous callers may read every bundle (the {@code --anonymous-read} switch). */
    boolean anonymousReadEnabled();
}
