package io.pkgr.registry.access;

import java.util.Locale;

/** What a request wants to do to a bundle name. */
public enum Permission {
    READ, PUBLISH, YANK, ADMIN;

    /** Lower-case verb for messages ("user 'bob' may not publish churn-model"). */
    public String verb() {
        return name().toLowerCase(Locale.ROOT);
    }
}
