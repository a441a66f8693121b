package io.pkgr.registry.web;

import io.pkgr.bundle.Sha256;
import io.pkgr.registry.catalog.SessionStore;
import io.pkgr.registry.catalog.SessionStore.Session;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Browser sessions of the web UI: a random token in an {@code HttpOnly; SameSite=Strict} cookie
 * names the user who logged in with the form, and each session has its own CSRF token for the
 * forms that write. Users who send Basic credentials get a CSRF token derived from their name under
 * a key the {@link SessionStore} shares, so only a page the registry rendered for them can post.
 * The store is this process's memory, or the catalog database that replicas share (then a session
 * and a form work on every replica); it holds the SHA-256 of each token, not the token.
 */
final class WebSessions {

    static final String COOKIE = "pkgr_session";
    static final Duration TTL = Duration.ofHours(12);
    private static final String BASIC_CSRF_KEY = "web-basic-csrf";
    private static final Logger LOG = System.getLogger(WebSessions.class.getName());

    private final SecureRandom random = new SecureRandom();
    private final SessionStore store;
    private final Clock clock;
    private final Mac basicCsrf;

    WebSessions(SessionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        byte[] candidate = new byte[32];
        random.nextBytes(candidate);
        byte[] key;
        try {
            key = store.secret(BASIC_CSRF_KEY, candidate);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the web UI's shared key: " + e.getMessage(), e);
        }
        try {
            basicCsrf = Mac.getInstance("HmacSHA256");
            basicCsrf.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new session for {@code user}; returns its cookie token. */
    String create(String user) throws IOException {
        String token = randomToken();
        store.put(key(token), new Session(user, randomToken(), clock.instant().plus(TTL)));
        return token;
    }

    /**
     * The live session the cookie token names. When the store cannot be read (the database is
     * down) there is none: pages render as for an anonymous reader, and writes are refused.
     */
    Optional<Session> find(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        try {
            String key = key(token);
            Optional<Session> session = store.find(key);
            if (session.isPresent() && !clock.instant().isBefore(session.get().expires())) {
                store.remove(key);
                return Optional.empty();
            }
            return session;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "web session not read, the page is shown as to an anonymous reader: {0}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Ends every session of these users (removed, or their password changed). */
    void endAllOf(Set<String> users) {
        if (users.isEmpty()) {
            return;
        }
        try {
            store.removeUsers(users);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "could not end the web sessions of {0}: {1}", users, e.getMessage());
        }
    }

    void end(String token) throws IOException {
        if (token != null && !token.isEmpty()) {
            store.remove(key(token));
        }
    }

    /** The CSRF token of a user who authenticates with Basic credentials on every request. */
    String basicCsrf(String user) {
        byte[] mac;
        synchronized (basicCsrf) {
            mac = basicCsrf.doFinal(("basic\0" + user).getBytes(StandardCharsets.UTF_8));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    /** Constant-time comparison of a posted token with the expected one. */
    static boolean same(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static String key(String token) {
        return Sha256.ofBytes(token.getBytes(StandardCharsets.UTF_8)).hex();
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
