package io.pkgr.auth;

/**
 * One grant an API token carries: a {@link Permission} on the names a pattern matches, written
 * {@code PATTERN:PERMISSION} ({@code churn-*:publish}, {@code com.example:*:publish}). A token may do
 * what one of its scopes grants and its owner may do, never more. The pattern is kept as written:
 * bundle and PyPI names match it PEP 503-normalised, Maven coordinates match it exactly.
 */
public record TokenScope(String pattern, Permission permission) {

    /** Strips the pattern and refuses an empty one; the pattern is kept as written. */
    public TokenScope {
        pattern = NamePattern.of(pattern).written();
        if (permission == null) {
            throw new IllegalArgumentException("a scope needs a permission");
        }
    }

    /**
     * Parses {@code PATTERN:PERMISSION}, e.g. {@code churn-*:publish}, {@code *:read} or
     * {@code com.example:*:publish} (the permission follows the last colon).
     */
    public static TokenScope parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("a scope is PATTERN:PERMISSION (e.g. 'churn-*:publish'), not '" + text + "'");
        }
        String pattern = text.substring(0, colon).strip();
        if (!pattern.matches("[A-Za-z0-9._*:-]+")) {
            throw new IllegalArgumentException("scope pattern '" + pattern
                    + "' may hold letters, digits, '.', '_', '-', ':' and '*' only");
        }
        return new TokenScope(pattern, Permission.parse(text.substring(colon + 1)));
    }

    /** Whether this scope allows {@code wanted} on the (normalised) bundle or project name. */
    public boolean allows(Permission wanted, String normalizedName) {
        return permission.implies(wanted) && namePattern().matches(normalizedName);
    }

    /** Whether this scope allows {@code wanted} on {@code name} matched exactly (Maven coordinates). */
    public boolean allowsExactly(Permission wanted, String name) {
        return permission.implies(wanted) && namePattern().matchesExactly(name);
    }

    /** The pattern, as written and normalised. */
    public NamePattern namePattern() {
        return NamePattern.of(pattern);
    }

    /** {@code PATTERN:PERMISSION} with the pattern as written: what {@link #parse} reads back. */
    @Override
    public String toString() {
        return pattern + ":" + permission;
    }
}
