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
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Browser sessions of the web UI: a random token in an {@code HttpOnly; SameSite=Strict} cookie
 * names the user who logged in with the form, and each session has its own CSRF token for the
 * forms that write. A session is bound to the user's password entry as it was at the login: when
 * the user is removed or given a new password it is refused, wherever it is used, from the next
 * request on (and dropped when it expires).
 * Users who send Basic credentials get a CSRF token derived from their name and the current
 * {@value #BASIC_CSRF_HOURS}-hour window under a key the {@link SessionStore} shares, so only a
 * page the registry rendered for them lately can post. The store is this process's memory, or the
 * catalog database that replicas share (then a session and a form work on every replica); it holds
 * the SHA-256 of each token, not the token.
 */
final class WebSessions {

    static final String COOKIE = "pkgr_session";
    static final Duration TTL = Duration.ofHours(12);
    private static final String BASIC_CSRF_KEY = "web-basic-csrf";
    private static final long BASIC_CSRF_HOURS = 12;
    /** 32 random bytes in unpadded base64url: what {@link #create} hands out; anything else is no session. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Logger LOG = System.getLogger(WebSessions.class.getName());

    private final SecureRandom random = new SecureRandom();
    private final SessionStore store;
    private final Function<String, Optional<String>> credentials;
    private final Clock clock;
    private final Mac basicCsrf;

    /** {@code credentials} gives a user's password-entry digest as it is now, empty for no such user. */
    WebSessions(SessionStore store, Function<String, Optional<String>> credentials, Clock clock) {
        this.store = store;
        this.credentials = credentials;
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

    /** A new session for {@code user}, who has just proved their password; returns its cookie token. */
    String create(String user) throws IOException {
        String credential = credentials.apply(user).orElseThrow(() -> new IOException("no user " + user));
        String token = randomToken();
        store.put(key(token), new Session(user, credential, randomToken(), clock.instant().plus(TTL)));
        return token;
    }

    /**
     * The live session the cookie token names: not expired, and its user's password entry as it
     * was at the login. When the store cannot be read (the database is down) there is none: pages
     * render as for an anonymous reader, and writes are refused. Blocks on the store: never call it
     * on an IO thread.
     */
    Optional<Session> find(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        try {
            String key = key(token);
            Optional<Session> session = store.find(key);
            if (session.isPresent() && !clock.instant().isBefore(session.get().expires())) {
                store.remove(key);
                return Optional.empty();
            }
            // refused, not removed, while the user's entry differs: replicas read the user file each
            // on their own, so one that has not seen a new password yet must not end the new sessions
            return session.filter(s -> credentials.apply(s.user()).map(s.credential()::equals).orElse(false));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "web session not read, the page is shown as to an anonymous reader: {0}", e.getMessage());
            return Optional.empty();
        }
    }

    void end(String token) throws IOException {
        if (token != null && !token.isEmpty()) {
            store.remove(key(token));
        }
    }

    /** The CSRF token a page rendered now gives a user who authenticates with Basic credentials on every request. */
    String basicCsrf(String user) {
        return basicCsrf(user, window());
    }

    /** Whether {@code given} is a Basic user's CSRF token of this window or the one before (a page may be open a while). */
    boolean acceptsBasicCsrf(String user, String given) {
        long now = window();
        return same(basicCsrf(user, now), given) || same(basicCsrf(user, now - 1), given);
    }

    private long window() {
        return clock.instant().getEpochSecond() / (BASIC_CSRF_HOURS * 3600);
    }

    private String basicCsrf(String user, long window) {
        byte[] mac;
        synchronized (basicCsrf) {
            mac = basicCsrf.doFinal(("basic\0" + window + "\0" + user).getBytes(StandardCharsets.UTF_8));
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
