package io.pkgr.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the text forms of {@link VersionSpec} into specs; partial versions become ranges. */
final class VersionSpecParser {

    private VersionSpecParser() {
    }

    static VersionSpec parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty() || s.equals("latest") || s.equals("*")) {
            return new VersionSpec.Latest();
        }
        if (s.startsWith("@")) {
            return new VersionSpec.Digest(parseDigest(s.substring(1), text));
        }
        if (s.startsWith("sha256:")) {
            return new VersionSpec.Digest(parseDigest(s, text));
        }
        if (s.startsWith("==") && !s.contains(",")) {
            return new VersionSpec.Exact(parseVersion(s.substring(2).trim(), text));
        }
        if (Character.isDigit(s.charAt(0)) && Version.isValid(s)) {
            return new VersionSpec.Exact(Version.parse(s));
        }
        List<VersionSpec.Comparator> comparators = new ArrayList<>();
        for (String part : s.split(",")) {
            comparators.addAll(parseComparator(part.trim(), text));
        }
        return new VersionSpec.Range(comparators, s);
    }

    private static Sha256 parseDigest(String s, String text) {
        try {
            return Sha256.parse(s);
        } catch (BundleException e) {
            throw invalid(text, "a digest pin is @sha256: followed by 64 hex digits");
        }
    }

    private static Version parseVersion(String s, String text) {
        try {
            return Version.parse(s);
        } catch (BundleException e) {
            throw invalid(text, e.getMessage());
        }
    }

    private static final Pattern COMPARATOR = Pattern.compile("(>=|<=|==|!=|>|<|\\^|~)?\\s*(\\S+)");
    private static final Pattern PARTIAL = Pattern.compile(
            "(0|[1-9]\\d*)(?:\\.(0|[1-9]\\d*|\\*|x))?(?:\\.(0|[1-9]\\d*|\\*|x))?(-[0-9A-Za-z.-]+)?");

    private static List<VersionSpec.Comparator> parseComparator(String part, String text) {
        Matcher m = COMPARATOR.matcher(part);
        if (part.isEmpty() || !m.matches()) {
            throw invalid(text, "empty or malformed comparator");
        }
        String op = m.group(1) == null ? "==" : m.group(1);
        String v = m.group(2);
        if (Version.isValid(v)) {
            Version full = Version.parse(v);
            return switch (op) {
                case "^" -> List.of(new VersionSpec.Comparator(">=", full), new VersionSpec.Comparator("<", caretUpper(full)));
                case "~" -> List.of(new VersionSpec.Comparator(">=", full),
                        new VersionSpec.Comparator("<", Version.of(full.major(), full.minor() + 1, 0)));
                default -> List.of(new VersionSpec.Comparator(op, full));
            };
        }
        Matcher p = PARTIAL.matcher(v);
        if (!p.matches() || p.group(4) != null) {
            throw invalid(text, "'" + Text.printable(v) + "' is not a version");
        }
        long major = Long.parseLong(p.group(1));
        boolean hasMinor = p.group(2) != null && !isWildcard(p.group(2));
        boolean hasPatch = p.group(3) != null && !isWildcard(p.group(3));
        long minor = hasMinor ? Long.parseLong(p.group(2)) : 0;
        long patch = hasPatch ? Long.parseLong(p.group(3)) : 0;
        Version low = Version.of(major, minor, patch);
        Version high = hasMinor ? Version.of(major, minor + 1, 0) : Version.of(major + 1, 0, 0);
        return switch (op) {
            case "^" -> List.of(new VersionSpec.Comparator(">=", low), new VersionSpec.Comparator("<",
                    major > 0 || !hasMinor ? Version.of(major + 1, 0, 0)
                            : minor > 0 || !hasPatch ? Version.of(0, minor + 1, 0) : Version.of(0, 0, patch + 1)));
            case "~", "==" -> List.of(new VersionSpec.Comparator(">=", low), new VersionSpec.Comparator("<", high));
            case ">=" -> List.of(new VersionSpec.Comparator(">=", low));
            case "<" -> List.of(new VersionSpec.Comparator("<", low));
            case ">" -> List.of(new VersionSpec.Comparator(">=", high));
            case "<=" -> List.of(new VersionSpec.Comparator("<", high));
            case "!=" -> throw invalid(text, "'!=' needs a full version");
            default -> throw new IllegalStateException(op);
        };
    }

    private static boolean isWildcard(String s) {
        return s.equals("*") || s.equals("x");
    }

    private static Version caretUpper(Version v) {
        if (v.major() > 0) {
            return Version.of(v.major() + 1, 0, 0);
        }
        if (v.minor() > 0) {
            return Version.of(0, v.minor() + 1, 0);
        }
        return Version.of(0, 0, v.patch() + 1);
    }

    private static BundleException invalid(String text, String why) {
        return new BundleException(BundleException.Code.INVALID_SPEC, "invalid version spec '"
                + Text.printable(String.valueOf(text)) + "': " + why
                + " (use 1.4.0, ==1.4.0, ^1.4, ~1.4.2, >=1.2,<2, latest or @sha256:HEX)");
    }
}
