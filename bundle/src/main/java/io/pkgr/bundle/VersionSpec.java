package io.pkgr.bundle;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Which version(s) of a bundle a user asks for: an exact version ({@code 1.4.0}, {@code ==1.4.0}),
 * a range ({@code ^1.4}, {@code ~1.4.2}, {@code >=1.2,<2}), {@code latest}, or a digest pin
 * ({@code @sha256:HEX}).
 *
 * <p>Ranges and {@code latest} never select a pre-release unless a bound of the range is itself
 * a pre-release of the same MAJOR.MINOR.PATCH (the npm/cargo rule), so publishing
 * {@code 2.0.0-rc.1} does not move {@code ^1} or {@code latest} users onto it.
 */
public sealed interface VersionSpec {

    /** Whether {@code version} satisfies this spec; a digest spec matches no version by itself. */
    boolean matches(Version version);

    /** The highest version that satisfies this spec. */
    default Optional<Version> best(Collection<Version> versions) {
        return versions.stream().filter(this::matches).max(Version::compareTo);
    }

    /** True when the spec names one version or one digest, so running it is reproducible. */
    default boolean isPinned() {
        return false;
    }

    /** Exactly this version. */
    record Exact(Version version) implements VersionSpec {
        @Override
        public boolean matches(Version v) {
            return version.equals(v);
        }

        @Override
        public boolean isPinned() {
            return true;
        }

        @Override
        public String toString() {
            return "==" + version;
        }
    }

    /** The bundle whose archive has this digest. */
    record Digest(Sha256 sha256) implements VersionSpec {
        @Override
        public boolean matches(Version v) {
            return false;
        }

        @Override
        public boolean isPinned() {
            return true;
        }

        @Override
        public String toString() {
            return "@" + sha256;
        }
    }

    /** The highest release. */
    record Latest() implements VersionSpec {
        @Override
        public boolean matches(Version v) {
            return !v.isPreRelease();
        }

        @Override
        public String toString() {
            return "latest";
        }
    }

    /** All comparators must hold; {@code text} is what the user wrote. */
    record Range(List<Comparator> comparators, String text) implements VersionSpec {
        public Range {
            comparators = List.copyOf(comparators);
        }

        @Override
        public boolean matches(Version v) {
            for (Comparator c : comparators) {
                if (!c.test(v)) {
                    return false;
                }
            }
            if (v.isPreRelease()) {
                Version release = v.release();
                return comparators.stream().anyMatch(c -> c.bound().isPreRelease() && c.bound().release().equals(release));
            }
            return true;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** One bound of a range. */
    record Comparator(String op, Version bound) {
        boolean test(Version v) {
            int c = v.comparePrecedence(bound);
            return switch (op) {
                case ">=" -> c >= 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                case "<" -> c < 0;
                case "==" -> c == 0;
                case "!=" -> c != 0;
                default -> throw new IllegalStateException(op);
            };
        }
    }

    /** Parses a spec as written after a bundle name (see the class comment for the forms). */
    static VersionSpec parse(String text) {
        return VersionSpecParser.parse(text);
    }
}
