package io.pkgr.registry.catalog;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the catalog database: the URL as given ({@code postgresql://USER[:PASS]@HOST:PORT/DB},
 * the password may be left out of it), the password from elsewhere (a file or the environment;
 * null when the URL carries it or none is needed), how often the full check runs, and how long
 * opening it waits for a database that cannot be reached yet (zero: it fails at once).
 */
public record DatabaseSettings(String url, String password, Duration fullCheckInterval, Duration startWait) {

    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(fullCheckInterval, "fullCheckInterval");
        Objects.requireNonNull(startWait, "startWait");
    }

    /** The URL with any password replaced by {@code ***}: what logs and errors may show. */
    public String redactedUrl() {
        return redact(url);
    }

    /** {@code scheme://user:secret@host} → {@code scheme://user:***@host}; other text unchanged. */
    public static String redact(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return url;
        }
        int colon = url.indexOf(':', scheme + 3);
        return colon > 0 && colon < at ? url.substring(0, colon + 1) + "***" + url.substring(at) : url;
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + redactedUrl() + (password == null ? "" : ", password ***") + "]";
    }
}
