package io.pkgr.bundle;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A bundle (or Python project) name. Valid names start and end with a letter or digit and
 * contain only letters, digits, '.', '_' and '-'; two names are the same bundle when their
 * PEP 503 normalised forms are equal.
 */
public record BundleName(String value) {

    public static final int MAX_LENGTH = 100;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");

    public BundleName {
        if (value == null || value.isEmpty()) {
            throw new BundleException(BundleException.Code.INVALID_NAME, "bundle name is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new BundleException(BundleException.Code.INVALID_NAME,
                    "bundle name is longer than " + MAX_LENGTH + " characters");
        }
        if (!VALID.matcher(value).matches()) {
            throw new BundleException(BundleException.Code.INVALID_NAME, "invalid bundle name '"
                    + Text.printable(value) + "': use letters, digits, '.', '_' and '-', starting and ending"
                    + " with a letter or digit");
        }
    }

    /** Parses and validates a name as a user or client wrote it. */
    public static BundleName parse(String value) {
        return new BundleName(value);
    }

    /** True when {@code value} is a valid name; for routing decisions that must not throw. */
    public static boolean isValid(String value) {
        return value != null && !value.isEmpty() && value.length() <= MAX_LENGTH && VALID.matcher(value).matches();
    }

    /** The PEP 503 normalised form: lower case, each run of '-', '_', '.' replaced by one '-'. */
    public String normalized() {
        return normalize(value);
    }

    /** PEP 503 normalisation of any string (no validation). */
    public static String normalize(String name) {
        return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    /** Whether both names denote the same bundle. */
    public boolean sameAs(BundleName other) {
        return normalized().equals(other.normalized());
    }

    @Override
    public String toString() {
        return value;
    }
}
