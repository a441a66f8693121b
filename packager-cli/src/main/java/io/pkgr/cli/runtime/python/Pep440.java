package io.pkgr.cli.runtime.python;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The part of PEP 440 specifiers a {@code python:} constraint uses: >=, <=, >, <, ==, !=, ~= and ==X.Y.* on release numbers. */
final class Pep440 {

    private static final Pattern CLAUSE = Pattern.compile("\\s*(~=|==|!=|>=|<=|>|<)\\s*([0-9]+(?:\\.[0-9]+)*)(\\.\\*)?\\s*");

    private Pep440() {
    }

    /** Whether a release version such as {@code 3.11.2} satisfies {@code >=3.10,<3.13}. */
    static boolean satisfies(String version, String specifier) {
        for (String clause : specifier.split(",")) {
            if (clause.isBlank()) {
                continue;
            }
            Matcher m = CLAUSE.matcher(clause);
            if (!m.matches()) {
                throw new IllegalArgumentException("unsupported python constraint '" + specifier + "'");
            }
            String op = m.group(1);
            String bound = m.group(2);
            boolean wildcard = m.group(3) != null;
            if (wildcard) {
                boolean prefix = startsWith(version, bound);
                if (op.equals("==") && !prefix || op.equals("!=") && prefix) {
                    return false;
                }
                continue;
            }
            int c = compare(version, bound);
            boolean ok = switch (op) {
                case ">=" -> c >= 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                case "<" -> c < 0;
                case "==" -> c == 0;
                case "!=" -> c != 0;
                case "~=" -> c >= 0 && startsWith(version, bound.contains(".") ? bound.substring(0, bound.lastIndexOf('.')) : bound);
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Compares dotted release numbers, missing parts counting as zero. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? parse(x[i]) : 0;
            long q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static boolean startsWith(String version, String prefix) {
        String[] v = version.split("\\.");
        String[] p = prefix.split("\\.");
        if (p.length > v.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (parse(v[i]) != parse(p[i])) {
                return false;
            }
        }
        return true;
    }

    private static long parse(String part) {
        String digits = part.replaceAll("[^0-9].*$", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }
}
