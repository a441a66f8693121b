package io.pkgr.bundle.pep440;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEP 440 version, parsed the way {@code packaging.version.Version} parses it: {@link #toString()}
 * is the normalised form ({@code 1.0-ALPHA.1} → {@code 1.0a1}) and {@link #compareTo} is PEP 440
 * order, under which {@code 1.0} and {@code 1.0.0} are equal. The one PEP 440 implementation: the
 * PyPI face identifies files by it, {@link Pep440Specifier} matches against it.
 */
public record Pep440Version(BigInteger epoch, List<BigInteger> release, String preLabel, BigInteger preNumber,
        BigInteger post, BigInteger dev, String local) implements Comparable<Pep440Version> {

    /** Longer text is refused before the pattern runs. */
    public static final int MAX_LENGTH = 128;
    // packaging's VERSION_PATTERN, verbatim in structure
    private static final Pattern PATTERN = Pattern.compile(
            "v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)"
                    + "(?<pre>[-_.]?(?<prel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pren>[0-9]+)?)?"
                    + "(?<post>(?:-(?<postn1>[0-9]+))|(?:[-_.]?(?<postl>post|rev|r)[-_.]?(?<postn2>[0-9]+)?))?"
                    + "(?<dev>[-_.]?(?<devl>dev)[-_.]?(?<devn>[0-9]+)?)?)"
                    + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?",
            Pattern.CASE_INSENSITIVE);

    /** Parses {@code text}; throws {@link IllegalArgumentException} when it is not a PEP 440 version. */
    public static Pep440Version parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("not a PEP 440 version");
        }
        Matcher m = PATTERN.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a PEP 440 version");
        }
        List<BigInteger> release = new ArrayList<>();
        for (String part : m.group("release").split("\\.")) {
            release.add(new BigInteger(part));
        }
        String preLabel = null;
        BigInteger preNumber = null;
        if (m.group("pre") != null) {
            preLabel = switch (m.group("prel").toLowerCase(Locale.ROOT)) {
                case "alpha", "a" -> "a";
                case "beta", "b" -> "b";
                default -> "rc";
            };
            preNumber = number(m.group("pren"));
        }
        BigInteger post = null;
        if (m.group("post") != null) {
            post = number(m.group("postn1") != null ? m.group("postn1") : m.group("postn2"));
        }
        BigInteger dev = m.group("dev") != null ? number(m.group("devn")) : null;
        String local = m.group("local") == null ? null
                : m.group("local").toLowerCase(Locale.ROOT).replaceAll("[-_]", ".");
        BigInteger epoch = m.group("epoch") == null ? BigInteger.ZERO : new BigInteger(m.group("epoch"));
        return new Pep440Version(epoch, List.copyOf(release), preLabel, preNumber, post, dev, local);
    }

    /** Whether {@code text} parses as a PEP 440 version. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static BigInteger number(String digits) {
        return digits == null ? BigInteger.ZERO : new BigInteger(digits);
    }

    /** A pre-release or dev release (PEP 440 excludes those from ranges unless asked). */
    public boolean isPreRelease() {
        return preLabel != null || dev != null;
    }

    /** The normalised form, as {@code str(packaging.version.Version(text))}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        if (epoch.signum() != 0) {
            out.append(epoch).append('!');
        }
        for (int i = 0; i < release.size(); i++) {
            out.append(i == 0 ? "" : ".").append(release.get(i));
        }
        if (preLabel != null) {
            out.append(preLabel).append(preNumber);
        }
        if (post != null) {
            out.append(".post").append(post);
        }
        if (dev != null) {
            out.append(".dev").append(dev);
        }
        if (local != null) {
            out.append('+').append(local);
        }
        return out.toString();
    }

    @Override
    public int compareTo(Pep440Version other) {
        int c = epoch.compareTo(other.epoch);
        if (c != 0) {
            return c;
        }
        for (int i = 0; i < Math.max(release.size(), other.release.size()); i++) {
            BigInteger a = i < release.size() ? release.get(i) : BigInteger.ZERO;
            BigInteger b = i < other.release.size() ? other.release.get(i) : BigInteger.ZERO;
            c = a.compareTo(b);
            if (c != 0) {
                return c;
            }
        }
        c = Integer.compare(preRank(), other.preRank());
        if (c == 0 && preLabel != null) {
            c = preLabel.compareTo(other.preLabel);
            if (c == 0) {
                c = preNumber.compareTo(other.preNumber);
            }
        }
        if (c != 0) {
            return c;
        }
        c = compareMissingLow(post, other.post);
        if (c != 0) {
            return c;
        }
        c = compareMissingHigh(dev, other.dev);
        if (c != 0) {
            return c;
        }
        return compareLocal(local, other.local);
    }

    /** A dev release of a final version sorts before its pre-releases; a final version after them. */
    private int preRank() {
        if (preLabel == null && post == null && dev != null) {
            return 0;
        }
        return preLabel == null ? 2 : 1;
    }

    private static int compareMissingLow(BigInteger a, BigInteger b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b);
    }

    private static int compareMissingHigh(BigInteger a, BigInteger b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : 1) : -1;
        }
        return a.compareTo(b);
    }

    private static int compareLocal(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean xNum = x[i].chars().allMatch(Character::isDigit);
            boolean yNum = y[i].chars().allMatch(Character::isDigit);
            int c;
            if (xNum && yNum) {
                c = new BigInteger(x[i]).compareTo(new BigInteger(y[i]));
            } else if (xNum != yNum) {
                c = xNum ? 1 : -1; // numeric segments sort above alphanumeric ones
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
