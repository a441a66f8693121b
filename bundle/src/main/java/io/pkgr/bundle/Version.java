package io.pkgr.bundle;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Semantic Versioning 2.0.0 version. Ordering is SemVer precedence (pre-releases before the
 * release, identifiers compared numerically or lexically); build metadata does not take part
 * in precedence and only breaks ties, so ordering stays consistent with {@link #equals}.
 */
public record Version(long major, long minor, long patch, List<String> preRelease, String build)
        implements Comparable<Version> {

    public static final int MAX_LENGTH = 128;

    // The regex from semver.org, split into its parts.
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");
    private static final Pattern NUMERIC = Pattern.compile("\\d+");

    public Version {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new BundleException(BundleException.Code.INVALID_VERSION, "version numbers cannot be negative");
        }
        preRelease = List.copyOf(preRelease);
        build = build == null ? "" : build;
    }

    public static Version of(long major, long minor, long patch) {
        return new Version(major, minor, patch, List.of(), "");
    }

    /** Parses a SemVer 2.0 version; a leading 'v' is not accepted, nor are partial versions. */
    public static Version parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new BundleException(BundleException.Code.INVALID_VERSION, "version is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new BundleException(BundleException.Code.INVALID_VERSION,
                    "version is longer than " + MAX_LENGTH + " characters");
        }
        Matcher m = SEMVER.matcher(text);
        if (!m.matches()) {
            throw new BundleException(BundleException.Code.INVALID_VERSION,
                    "invalid version '" + Text.printable(text) + "': expected SemVer 2.0 MAJOR.MINOR.PATCH"
                            + hint(text));
        }
        try {
            return new Version(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    m.group(4) == null ? List.of() : List.of(m.group(4).split("\\.")),
                    m.group(5) == null ? "" : m.group(5));
        } catch (NumberFormatException e) {
            throw new BundleException(BundleException.Code.INVALID_VERSION,
                    "invalid version '" + Text.printable(text) + "': number too large");
        }
    }

    /** True when {@code text} parses; for routing decisions that must not throw. */
    public static boolean isValid(String text) {
        return text != null && text.length() <= MAX_LENGTH && SEMVER.matcher(text).matches();
    }

    private static String hint(String text) {
        if (text.matches("v\\d.*")) {
            return " (drop the 'v': " + Text.printable(text.substring(1)) + ")";
        }
        if (text.matches("\\d+")) {
            return " (e.g. " + text + ".0.0)";
        }
        if (text.matches("\\d+\\.\\d+")) {
            return " (e.g. " + text + ".0)";
        }
        return "";
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /** The same version without pre-release and build parts. */
    public Version release() {
        return of(major, minor, patch);
    }

    /** SemVer precedence, ignoring build metadata. */
    public int comparePrecedence(Version o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            // A release has higher precedence than any of its pre-releases.
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        int n = Math.min(preRelease.size(), o.preRelease.size());
        for (int i = 0; i < n; i++) {
            c = compareIdentifier(preRelease.get(i), o.preRelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    private static int compareIdentifier(String a, String b) {
        boolean an = NUMERIC.matcher(a).matches();
        boolean bn = NUMERIC.matcher(b).matches();
        if (an && bn) {
            // Numeric identifiers have no leading zeros, so length orders them before value does.
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (an != bn) {
            return an ? -1 : 1; // numeric identifiers have lower precedence than alphanumeric ones
        }
        return a.compareTo(b);
    }

    @Override
    public int compareTo(Version o) {
        int c = comparePrecedence(o);
        return c != 0 ? c : build.compareTo(o.build);
    }

    // Written out rather than the record's generated ones: those bootstrap through
    // java.lang.runtime.ObjectMethods, which spins some twenty method-handle classes on first use,
    // about 40 ms of a warm `pkgr run` (which compares the pinned version with the cached record's).
    @Override
    public boolean equals(Object o) {
        return o instanceof Version v && major == v.major && minor == v.minor && patch == v.patch
                && preRelease.equals(v.preRelease) && build.equals(v.build);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(major);
        h = 31 * h + Long.hashCode(minor);
        h = 31 * h + Long.hashCode(patch);
        h = 31 * h + preRelease.hashCode();
        return 31 * h + build.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(major).append('.').append(minor).append('.').append(patch);
        if (!preRelease.isEmpty()) {
            s.append('-').append(String.join(".", preRelease));
        }
        if (!build.isEmpty()) {
            s.append('+').append(build);
        }
        return s.toString();
    }
}
