package io.pkgr.auth;

/**
 * One grant an API token carries: a {@link Permission} on the bundle names a pattern matches,
 * written {@code PATTERN:PERMISSION} ({@code churn-*:publish}). A token may do what one of its
 * scopes grants and its owner may do, never more.
 */
public record TokenScope(String pattern, Permission permission) {

    /** Normalises the pattern (PEP 503, as the rules file does) and refuses an empty one. */
    public TokenScope {
        pattern = NamePattern.of(pattern).normalized();
        if (permission == null) {
            throw new IllegalArgumentException("a scope needs a permission");
        }
    }

    /** Parses {@code PATTERN:PERMISSION}, e.g. {@code churn-*:publish} or {@code *:read}. */
    public static TokenScope parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("a scope is PATTERN:PERMISSION (e.g. 'churn-*:publish'), not '" + text + "'");
        }
        String pattern = text.substring(0, colon).strip();
        if (!pattern.matches("[A-Za-z0-9._*-]+")) {
            throw new IllegalArgumentException("scope pattern '" + pattern + "' may hold letters, digits, '.', '_', '-' and '*' only");
        }
        return new TokenScope(pattern, Permission.parse(text.substring(colon + 1)));
    }

    /** Whether this scope allows {@code wanted} on the (normalised) bundle name. */
    public boolean allows(Permission wanted, String normalizedName) {
        return permission.implies(wanted) && new NamePattern(pattern).matches(normalizedName);
    }

    @Override
    public String toString() {
        return pattern + ":" + permission;
    }
}
