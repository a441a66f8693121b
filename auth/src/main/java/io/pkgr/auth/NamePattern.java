package io.pkgr.auth;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A name pattern such as {@code team-a-*} or {@code com.example:*}: {@code *} matches any run of
 * characters. Kept twice: PEP 503-normalised for bundle and PyPI project names, which fold the same
 * way, and as written for names that must match exactly (Maven coordinates, where {@code org.foo-bar}
 * and {@code org.foo.bar} are different groups).
 *
 * @param written the pattern as written (stripped of blanks), matched by {@link #matchesExactly}
 * @param normalized the pattern PEP 503-normalised, matched by {@link #matches}
 */
public record NamePattern(String written, String normalized) {

    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");

    public NamePattern {
        if (written.isEmpty() || normalized.isEmpty()) {
            throw new IllegalArgumentException("empty name pattern");
        }
    }

    /** Parses a pattern as written in the rules file or a token scope. */
    public static NamePattern of(String pattern) {
        String written = pattern.strip();
        return new NamePattern(written, normalize(written));
    }

    /** PEP 503: lower case, every run of {@code -}, {@code _} and {@code .} becomes one {@code -}. */
    public static String normalize(String name) {
        return SEPARATORS.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("-");
    }

    /** Whether the normalised {@code name} matches the normalised pattern (bundles, PyPI projects). */
    public boolean matches(String normalizedName) {
        return glob(normalized, normalizedName);
    }

    /** Whether {@code name} matches the pattern as written, character for character (Maven coordinates). */
    public boolean matchesExactly(String name) {
        return glob(written, name);
    }

    /** Linear glob matching ({@code *} only), no regex. */
    private static boolean glob(String p, String name) {
        int pi = 0;
        int ni = 0;
        int star = -1;
        int mark = 0;
        while (ni < name.length()) {
            if (pi < p.length() && p.charAt(pi) != '*' && p.charAt(pi) == name.charAt(ni)) {
                pi++;
                ni++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = ni;
            } else if (star >= 0) {
                pi = star + 1;
                ni = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
