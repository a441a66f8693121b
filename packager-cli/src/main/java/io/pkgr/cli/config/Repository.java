package io.pkgr.cli.config;

import java.net.URI;

/**
 * A configured registry: its name, base URL and (optionally) credentials.
 *
 * @param url the registry's base URL, e.g. {@code https://pkgr.example.com/} (no API path)
 */
public record Repository(String name, URI url, String username, String password) {

    public boolean hasCredentials() {
        return username != null && password != null;
    }

    /** The base URL with a trailing slash, so relative paths resolve under it. */
    public URI base() {
        String s = url.toString();
        return URI.create(s.endsWith("/") ? s : s + "/");
    }

    @Override
    public String toString() {
        return name + " (" + url + ")";
    }
}
