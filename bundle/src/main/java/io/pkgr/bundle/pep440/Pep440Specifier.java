package io.pkgr.bundle.pep440;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEP 440 version specifier such as {@code >=3.10,<3.13} or {@code ==3.11.*}: the manifest's
 * {@code python:} field is validated by {@link #parse} and the CLI matches interpreters with
 * {@link #contains}. Pre-releases are matched like final releases (as pip checks
 * {@code Requires-Python}): a {@code 3.13.0rc1} interpreter satisfies {@code >=3.10}.
 */
public record Pep440Specifier(String text, List<Clause> clauses) {

    /** Longer text is refused before the pattern runs. */
    public static final int MAX_LENGTH = 256;

    private static final Pattern CLAUSE = Pattern.compile("\\s*(===|~=|==|!=|<=|>=|<|>)\\s*(\\S+?)\\s*");

    /** One {@code operator version} part; {@code wildcard} is a trailing {@code .*} (only with == and !=). */
    public record Clause(String operator, String versionText, Pep440Version version, boolean wildcard) {
    }

    /** Validates that the clauses are present and well formed. */
    public Pep440Specifier {
        if (clauses == null || clauses.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not a PEP 440 version specifier");
        }
        clauses = List.copyOf(clauses);
    }

    /** Parses comma-separated clauses; throws {@link IllegalArgumentException} naming the text when one is not PEP 440. */
    public static Pep440Specifier parse(String text) {
        if (text == null || text.length() > MAX_LENGTH || text.isBlank()) {
            throw new IllegalArgumentException("'" + text + "' is not a PEP 440 version specifier");
        }
        List<Clause> clauses = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            clauses.add(clause(text, part));
        }
        return new Pep440Specifier(text, clauses);
    }

    /** Whether {@code text} parses as a specifier. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Clause clause(String whole, String part) {
        Matcher m = CLAUSE.matcher(part);
        IllegalArgumentException bad = new IllegalArgumentException("'" + whole + "' is not a PEP 440 version specifier");
        if (!m.matches()) {
            throw bad;
        }
        String op = m.group(1);
        String versionText = m.group(2);
        if (op.equals("===")) {
            return new Clause(op, versionText, null, false);
        }
        boolean wildcard = versionText.endsWith(".*");
        String bare = wildcard ? versionText.substring(0, versionText.length() - 2) : versionText;
        if (!Pep440Version.isValid(bare)) {
            throw bad;
        }
        Pep440Version version = Pep440Version.parse(bare);
        boolean localAllowed = op.equals("==") || op.equals("!=");
        boolean suffixed = version.preLabel() != null || version.post() != null || version.dev() != null;
        // a wildcard follows the release numbers only: ==3.11.*, never ==3.11rc1.*
        if (wildcard && (!localAllowed || version.local() != null || suffixed)
                || !localAllowed && version.local() != null
                || op.equals("~=") && version.release().size() < 2) {
            throw bad;
        }
        return new Clause(op, versionText, version, wildcard);
    }

    /** Whether {@code candidate} satisfies every clause. */
    public boolean contains(Pep440Version candidate) {
        return clauses.stream().allMatch(c -> matches(c, candidate));
    }

    private static boolean matches(Clause c, Pep440Version candidate) {
        if (c.operator().equals("===")) {
            return candidate.toString().equalsIgnoreCase(c.versionText().strip());
        }
        Pep440Version spec = c.version();
        Pep440Version publicCandidate = withoutLocal(candidate);
        return switch (c.operator()) {
            case "==" -> equal(c, candidate);
            case "!=" -> !equal(c, candidate);
            case "~=" -> publicCandidate.compareTo(spec) >= 0 && prefixMatches(dropLast(spec.release()), candidate);
            case "<=" -> publicCandidate.compareTo(spec) <= 0;
            case ">=" -> publicCandidate.compareTo(spec) >= 0;
            case "<" -> publicCandidate.compareTo(spec) < 0
                    && !(!spec.isPreRelease() && candidate.isPreRelease() && sameBase(spec, candidate));
            case ">" -> publicCandidate.compareTo(spec) > 0
                    && !(spec.post() == null && candidate.post() != null && sameBase(spec, candidate))
                    && !(candidate.local() != null && sameBase(spec, candidate));
            default -> false;
        };
    }

    private static boolean equal(Clause c, Pep440Version candidate) {
        if (c.wildcard()) {
            return withoutLocal(candidate).epoch().equals(c.version().epoch())
                    && prefixMatches(c.version().release(), candidate);
        }
        // a spec without a local part ignores the candidate's local part
        Pep440Version compared = c.version().local() == null ? withoutLocal(candidate) : candidate;
        return compared.compareTo(c.version()) == 0;
    }

    private static boolean prefixMatches(List<BigInteger> prefix, Pep440Version candidate) {
        List<BigInteger> release = candidate.release();
        for (int i = 0; i < prefix.size(); i++) {
            BigInteger part = i < release.size() ? release.get(i) : BigInteger.ZERO;
            if (!part.equals(prefix.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<BigInteger> dropLast(List<BigInteger> release) {
        return release.subList(0, release.size() - 1);
    }

    private static boolean sameBase(Pep440Version a, Pep440Version b) {
        return base(a).compareTo(base(b)) == 0;
    }

    private static Pep440Version base(Pep440Version v) {
        return new Pep440Version(v.epoch(), v.release(), null, null, null, null, null);
    }

    private static Pep440Version withoutLocal(Pep440Version v) {
        return v.local() == null ? v
                : new Pep440Version(v.epoch(), v.release(), v.preLabel(), v.preNumber(), v.post(), v.dev(), null);
    }

    @Override
    public String toString() {
        return text;
    }
}
