package io.pkgr.auth;

import java.util.Locale;

/** What a user may do with a bundle. {@code admin} implies all; {@code publish} and {@code yank} imply {@code read}. */
public enum Permission {
    /** Download, list versions, see the index. */
    READ,
    /** Upload a new version. */
    PUBLISH,
    /** Mark a version as yanked (or un-yank it). */
    YANK,
    /** Everything, including delete. */
    ADMIN;

    /** Whether holding this permission also grants {@code other}. */
    public boolean implies(Permission other) {
        return this == other || this == ADMIN || other == READ;
    }

    /** Parses {@code read}, {@code publish}, {@code yank} or {@code admin}, any case. */
    public static Permission parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown permission '" + s + "' (read, publish, yank, admin)", e);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
