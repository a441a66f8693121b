package io.pkgr.catalog.postgresql;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAMS]} (also {@code postgres://}, as libpq
 * reads it) split into a JDBC URL without credentials, the user and the password, so that neither
 * reaches a log line or an error message.
 */
record PgUrl(String jdbcUrl, String user, String password) {

    static final int DEFAULT_PORT = 5432;

    static boolean accepts(String url) {
        return url.startsWith("postgresql://") || url.startsWith("postgres://");
    }

    /** Parses {@code url}; {@code password}, when not null, wins over one in the URL. */
    static PgUrl parse(String url, String password) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // the message would quote the URL, password and all
            throw new IllegalArgumentException("--database is not a valid postgresql://USER@HOST:PORT/DB URL");
        }
        if (!accepts(url) || uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("--database must look like postgresql://USER@HOST:PORT/DB");
        }
        String user = null;
        String inUrl = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            inUrl = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String jdbc = "jdbc:postgresql://" + host + ":" + port + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new PgUrl(jdbc, user, password != null ? password : inUrl);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return jdbcUrl + (user == null ? "" : " as " + user);
    }
}
