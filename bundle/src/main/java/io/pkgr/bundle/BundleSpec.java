package io.pkgr.bundle;

/**
 * A bundle name with a version spec, as typed on the command line: {@code churn-model==1.4.0},
 * {@code churn-model@sha256:HEX}, {@code churn-model^1.4}, {@code churn-model>=1.2,<2} or just
 * {@code churn-model} (latest).
 */
public record BundleSpec(BundleName name, VersionSpec version) {

    /** Parses NAME followed directly by a version spec. */
    public static BundleSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BundleException(BundleException.Code.INVALID_SPEC, "empty bundle spec (use NAME==VERSION)");
        }
        String s = text.trim();
        int i = 0;
        while (i < s.length() && isNameChar(s.charAt(i))) {
            i++;
        }
        String name = s.substring(0, i);
        String rest = s.substring(i).trim();
        // "name:latest" reads naturally to container users.
        if (rest.startsWith(":") && !rest.startsWith(":sha256")) {
            rest = rest.substring(1);
        }
        if (name.isEmpty()) {
            throw new BundleException(BundleException.Code.INVALID_SPEC,
                    "invalid bundle spec '" + Text.printable(s) + "': expected NAME==VERSION");
        }
        return new BundleSpec(BundleName.parse(name), VersionSpec.parse(rest));
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                || c == '.';
    }

    @Override
    public String toString() {
        return version instanceof VersionSpec.Latest ? name.value() : name.value() + version;
    }
}
