package io.pkgr.auth;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A bundle-name pattern such as {@code team-a-*}: {@code *} matches any run of characters;
 * pattern and name are compared PEP 503-normalised.
 */
public record NamePattern(String normalized) {

    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");

    public NamePattern {
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException("empty name pattern");
        }
    }

    /** Parses a pattern as written in the rules file. */
    public static NamePattern of(String pattern) {
        return new NamePattern(normalize(pattern.strip()));
    }

    /** PEP 503: lower case, every run of {@code -}, {@code _} and {@code .} becomes one {@code -}. */
    static String normalize(String name) {
        return SEPARATORS.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("-");
    }

    /** Whether the normalised {@code name} matches; linear glob matching, no regex. */
    public boolean matches(String name) {
        String p = normalized;
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
