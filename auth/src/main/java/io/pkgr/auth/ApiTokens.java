package io.pkgr.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Makes and checks API tokens over a {@link TokenStore}.
 *
 * <p>A token reads {@code pkgr_ID_SECRET}: a 10-character public id (the lookup key, shown by
 * {@code pkgr token list}) and 256 random bits, base64url. Only SHA-256 of the secret is stored.
 * A slow password hash such as bcrypt exists to make guessing a low-entropy human password
 * expensive after a leak of the hashes; a 256-bit random secret cannot be guessed however fast the
 * hash, so one SHA-256 is as safe here, and a check costs about what the verification cache's
 * HMAC costs for a password. Comparison is constant-time.
 *
 * <p>Last use is recorded lazily: in memory at most once a minute per token, and written to the
 * store in one batch a minute (and before a listing), never on the request path.
 */
public final class ApiTokens implements AutoCloseable {

    /** The user name that marks a token sent as a Basic password (PyPI's convention, for twine, poetry and pip). */
    public static final String TOKEN_USER = "__token__";
    static final String PREFIX = "pkgr_";
    private static final int ID_LENGTH = 10;
    private static final String ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    private static final long USE_RESOLUTION_SECONDS = 60;
    private static final System.Logger LOG = System.getLogger(ApiTokens.class.getName());

    private final TokenStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> pendingUse = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    /** What a check found. */
    public enum Status { OK, INVALID, EXPIRED }

    /** The outcome of {@link #check}: the token when it was found (also when it expired). */
    public record Check(Status status, ApiToken token) {
    }

    /** A token just made: the one time its full text exists. */
    public record Created(String secret, ApiToken token) {
        @Override
        public String toString() {
            return "Created[" + token + "]";
        }
    }

    public ApiTokens(TokenStore store) {
        this(store, Clock.systemUTC(), Duration.ofSeconds(USE_RESOLUTION_SECONDS));
    }

    ApiTokens(TokenStore store, Clock clock, Duration flushInterval) {
        this.store = store;
        this.clock = clock;
        this.flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pkgr-token-use");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1, flushInterval.toMillis());
        flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** The store behind these tokens. */
    public TokenStore store() {
        return store;
    }

    /** Whether a header's credential is meant as a token (Bearer, or Basic with user {@value #TOKEN_USER}). */
    static boolean looksLikeToken(String presented) {
        return presented != null && presented.startsWith(PREFIX);
    }

    /** Whether {@link #check} answers {@code presented} from memory, without asking the store. */
    public boolean inMemory(String presented) {
        return presented != null && presented.length() > PREFIX.length() + ID_LENGTH && presented.startsWith(PREFIX)
                && store.find(presented.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH)).isPresent();
    }

    /** Checks a presented token; never throws. A valid token's use is noted (lazily). */
    public Check check(String presented) {
        if (presented == null || presented.length() < PREFIX.length() + ID_LENGTH + 2
                || !presented.startsWith(PREFIX) || presented.charAt(PREFIX.length() + ID_LENGTH) != '_') {
            return new Check(Status.INVALID, null);
        }
        String id = presented.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
        String secret = presented.substring(PREFIX.length() + ID_LENGTH + 1);
        Optional<ApiToken> found = store.find(id);
        if (found.isEmpty()) {
            try {
                found = store.findFresh(id);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot look up token {0} in its store: {1}", id, e.getMessage());
            }
        }
        byte[] actual = sha256(secret);
        // hash even for an unknown id, so that unknown and wrong cost the same
        byte[] expected = found.map(t -> HexFormat.of().parseHex(t.secretSha256())).orElse(new byte[32]);
        if (found.isEmpty() | !MessageDigest.isEqual(actual, expected)) {
            return new Check(Status.INVALID, null);
        }
        ApiToken token = found.get();
        Instant now = clock.instant();
        if (token.expiredAt(now)) {
            return new Check(Status.EXPIRED, token);
        }
        noteUse(token, now);
        return new Check(Status.OK, token);
    }

    /** Makes a token; empty when {@code user} already has one called {@code name}. */
    public Optional<Created> create(String user, String name, List<TokenScope> scopes, Instant expires) throws IOException {
        for (int attempt = 0; attempt < 5; attempt++) {
            String id = randomId();
            if (store.find(id).isPresent()) {
                continue; // 32^10 ids: a clash is all but impossible, but never reuse one
            }
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            ApiToken token = new ApiToken(id, user, name, scopes, clock.instant(), expires, null,
                    HexFormat.of().formatHex(sha256(secret)));
            if (!store.insert(token)) {
                return Optional.empty();
            }
            return Optional.of(new Created(PREFIX + id + "_" + secret, token));
        }
        throw new IOException("could not pick an unused token id");
    }

    /** Every token, with last-use times up to now. */
    public List<ApiToken> list() throws IOException {
        flush();
        return store.list();
    }

    /** Revokes a token at once: the removed token, or empty when there was none. */
    public Optional<ApiToken> revoke(String id) throws IOException {
        pendingUse.remove(id);
        return store.delete(id);
    }

    /** Writes the noted uses to the store. */
    public void flush() throws IOException {
        if (pendingUse.isEmpty()) {
            return;
        }
        Map<String, Instant> batch = new HashMap<>(pendingUse);
        store.recordUse(batch);
        batch.forEach(pendingUse::remove);
    }

    @Override
    public void close() {
        flushQuietly();
        flusher.shutdownNow();
    }

    private void noteUse(ApiToken token, Instant now) {
        Instant known = pendingUse.getOrDefault(token.id(), token.lastUsed());
        if (known == null || known.plusSeconds(USE_RESOLUTION_SECONDS).isBefore(now)) {
            pendingUse.put(token.id(), now);
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot record token use now, trying again later: {0}", e.getMessage());
        }
    }

    private String randomId() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    });

    private static byte[] sha256(String secret) {
        return SHA256.get().digest(secret.getBytes(StandardCharsets.UTF_8)); // digest() resets it for the next use
    }
}
