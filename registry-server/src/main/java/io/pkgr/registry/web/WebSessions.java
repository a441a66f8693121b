package io.pkgr.registry.web;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Browser sessions of the web UI, in this process's memory: a random token in an
 * {@code HttpOnly; SameSite=Strict} cookie names the user who logged in with the form, and each
 * session has its own CSRF token for the forms that write. Users who send Basic credentials get
 * a CSRF token derived from their name under a per-process key, so only a page this server
 * rendered for them can post. A restart ends every session (users log in again).
 */
final class WebSessions {

    static final String COOKIE = "pkgr_session";
    static final Duration TTL = Duration.ofHours(12);
    /** Sessions kept at most; past that the oldest expire first (a flood of logins cannot grow memory without bound). */
    private static final int MAX_SESSIONS = 10_000;

    record Session(String user, String csrf, Instant expires) {
    }

    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Mac basicCsrf;

    WebSessions(Clock clock) {
        this.clock = clock;
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            basicCsrf = Mac.getInstance("HmacSHA256");
            basicCsrf.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new session for {@code user}; returns its cookie token. */
    String create(String user) {
        if (sessions.size() >= MAX_SESSIONS) {
            evict();
        }
        String token = randomToken();
        sessions.put(token, new Session(user, randomToken(), clock.instant().plus(TTL)));
        return token;
    }

    /** The live session the cookie token names. */
    Optional<Session> find(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        Session session = sessions.get(token);
        if (session == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(session.expires())) {
            sessions.remove(token);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /** Ends every session of these users (removed, or their password changed). */
    void endAllOf(java.util.Set<String> users) {
        if (!users.isEmpty()) {
            sessions.values().removeIf(s -> users.contains(s.user()));
        }
    }

    void end(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }

    /** The CSRF token of a user who authenticates with Basic credentials on every request. */
    String basicCsrf(String user) {
        byte[] mac;
        synchronized (basicCsrf) {
            mac = basicCsrf.doFinal(("basic\0" + user).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    /** Constant-time comparison of a posted token with the expected one. */
    static boolean same(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void evict() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !now.isBefore(s.expires()));
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(java.util.Map.Entry.comparingByValue(
                    java.util.Comparator.comparing(Session::expires))).ifPresent(e -> sessions.remove(e.getKey()));
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
