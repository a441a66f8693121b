package io.pkgr.auth;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Turns a request's {@code Authorization} header into an {@link AuthResult}: Basic credentials
 * checked against an htpasswd file, through the verification cache and the failed-login limiter.
 * Thread-safe; one instance serves the whole server.
 */
public final class Authenticator {

    private static final Logger LOG = System.getLogger(Authenticator.class.getName());

    /** The seam tests use to count real hash verifications. */
    @FunctionalInterface
    interface HashVerifier {
        boolean matches(PasswordHash hash, byte[] password);
    }

    private final HtpasswdFile htpasswd;
    private final VerificationCache cache;
    private final FailureLimiter byAddress;
    private final FailureLimiter byUser;
    private final HashVerifier verifier;
    private final StoredUsers storedUsers;
    private final ApiTokens tokens;
    private static final HtpasswdFile.Snapshot NO_FILE = new HtpasswdFile.Snapshot(java.util.Map.of());

    private Authenticator(Builder b) throws IOException {
        this.cache = new VerificationCache(b.cacheTtl.toNanos(), b.cacheMaxEntries, b.ticker);
        this.storedUsers = b.storedUsers;
        this.tokens = b.tokens;
        java.util.function.Consumer<UsersChange> onUsers = b.onUsersChanged;
        // with stored users, an htpasswd file is optional: a replica whose users are all in the database has none
        this.htpasswd = storedUsers != null && !java.nio.file.Files.exists(b.htpasswdFile) ? null
                : HtpasswdFile.open(b.htpasswdFile, b.reloadInterval, b.ticker, cache::invalidate, onUsers);
        this.byAddress = new FailureLimiter(b.maxFailures, b.failureWindow.toNanos(), b.blockDuration.toNanos(),
                b.limiterMaxKeys, b.ticker);
        this.byUser = new FailureLimiter(b.maxFailures, b.failureWindow.toNanos(), b.blockDuration.toNanos(),
                b.limiterMaxKeys, b.ticker);
        this.verifier = b.verifier;
    }

    /** Starts configuring an authenticator over the htpasswd file at {@code htpasswdFile}. */
    public static Builder builder(Path htpasswdFile) {
        return new Builder(htpasswdFile);
    }

    /**
     * Authenticates one request; never throws, whatever the header holds.
     *
     * @param authorizationHeader the raw {@code Authorization} header value, or null when absent
     * @param clientAddress the peer address the limiter counts failures against (e.g. "203.0.113.9")
     */
    public AuthResult authenticate(String authorizationHeader, String clientAddress) {
        try {
            if (authorizationHeader == null || authorizationHeader.isBlank()) {
                return AuthResult.anonymous();
            }
            String address = clientAddress == null ? "" : clientAddress;
            String bearer = tokens == null ? null : bearer(authorizationHeader); // without tokens, Bearer is malformed
            if (bearer != null) {
                return authenticateToken(bearer, address);
            }
            BasicCredentials credentials = BasicCredentials.parse(authorizationHeader);
            if (credentials == null) {
                return AuthResult.malformed();
            }
            String user = credentials.user();
            if (tokens != null && ApiTokens.TOKEN_USER.equals(user)) {
                return authenticateToken(new String(credentials.password(), java.nio.charset.StandardCharsets.UTF_8), address);
            }
            long wait = Math.max(byAddress.blockedForNanos(address), byUser.blockedForNanos(user));
            if (wait > 0) {
                return AuthResult.rateLimited(ceilSeconds(wait));
            }
            if (verify(user, credentials.password())) {
                byUser.recordSuccess(user); // the address keeps its count: one good account must
                return AuthResult.ok(user);  // not launder an attack on the others
            }
            boolean blocked = byAddress.recordFailure(address) | byUser.recordFailure(user);
            if (blocked) {
                LOG.log(Level.WARNING, "too many failed logins: address {0} or user {1} blocked for a while",
                        address, user);
            }
            return AuthResult.badCredentials();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "authentication failed unexpectedly; refusing the request", e);
            return AuthResult.badCredentials();
        }
    }

    /**
     * A token as a Bearer header or a {@value ApiTokens#TOKEN_USER} password. Failures count
     * against the client address only: counting them against a user would let anyone lock every
     * token of a user out.
     */
    private AuthResult authenticateToken(String presented, String address) {
        long wait = byAddress.blockedForNanos(address);
        if (wait > 0) {
            return AuthResult.rateLimited(ceilSeconds(wait));
        }
        ApiTokens.Check check = tokens.check(presented);
        switch (check.status()) {
            case OK -> {
                if (userExists(check.token().user())) {
                    return AuthResult.ok(check.token());
                }
                byAddress.recordFailure(address); // the owner was removed: so is every token of theirs
                return AuthResult.tokenInvalid();
            }
            case EXPIRED -> {
                return AuthResult.tokenExpired(check.token());
            }
            default -> {
                if (byAddress.recordFailure(address)) {
                    LOG.log(Level.WARNING, "too many invalid tokens: address {0} blocked for a while", address);
                }
                return AuthResult.tokenInvalid();
            }
        }
    }

    private boolean userExists(String user) {
        HtpasswdFile.Snapshot snapshot = htpasswd != null ? htpasswd.snapshot() : NO_FILE;
        return snapshot.hashOf(user) != null || storedUsers != null && storedUsers.passwordHash(user) != null;
    }

    /** The token of an {@code Authorization: Bearer} header, or null for any other scheme. */
    private static String bearer(String header) {
        if (header.length() > 7 && header.regionMatches(true, 0, "Bearer ", 0, 7) && header.length() < 4096) {
            return header.substring(7).strip();
        }
        return null;
    }

    /**
     * Whether the header carries an API token (Bearer, or Basic with user {@value ApiTokens#TOKEN_USER})
     * that {@link #authenticate} checks from memory: then the check costs one SHA-256 and never blocks.
     */
    public boolean isTokenInMemory(String authorizationHeader) {
        if (tokens == null || authorizationHeader == null) {
            return false;
        }
        String bearer = bearer(authorizationHeader);
        if (bearer != null) {
            return tokens.inMemory(bearer);
        }
        BasicCredentials credentials = BasicCredentials.parse(authorizationHeader);
        return credentials != null && ApiTokens.TOKEN_USER.equals(credentials.user())
                && tokens.inMemory(new String(credentials.password(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * A digest of {@code user}'s password entry as it is now (the htpasswd line's hash, else the
     * stored user's), or empty when there is no such user. A web session keeps the one it was
     * opened with and ends when it differs: a removed user or a new password ends the session on
     * every replica, restarted or not.
     */
    public java.util.Optional<String> credentialFingerprint(String user) {
        HtpasswdFile.Snapshot snapshot = htpasswd != null ? htpasswd.snapshot() : NO_FILE;
        PasswordHash hash = snapshot.hashOf(user);
        String entry = hash != null ? hash.scheme() + ":" + hash.encoded()
                : storedUsers != null ? storedUsers.passwordHash(user) : null;
        if (entry == null) {
            return java.util.Optional.empty();
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
                    ("session\0" + user + "\0" + entry).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Optional.of(java.util.HexFormat.of().formatHex(digest));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The API tokens this authenticator accepts; null when tokens are not enabled. */
    public ApiTokens tokens() {
        return tokens;
    }

    /** Verifications answered from the cache since start (for metrics). */
    public long cacheHits() {
        return cache.hits();
    }

    /** Verifications that needed a real hash computation since start (for metrics). */
    public long cacheMisses() {
        return cache.misses();
    }

    /** The htpasswd file in use, reloaded as it changes; null when there is none beside {@link StoredUsers}. */
    public HtpasswdFile htpasswdFile() {
        return htpasswd;
    }

    boolean verify(String user, byte[] password) {
        HtpasswdFile.Snapshot snapshot = htpasswd != null ? htpasswd.snapshot() : NO_FILE;
        PasswordHash hash = snapshot.hashOf(user);
        if (hash == null && storedUsers != null) {
            String stored = storedUsers.passwordHash(user);
            hash = stored == null ? null : PasswordHash.parse(stored).orElse(null);
        }
        VerificationCache.Key key = cache.keyOf(user, password);
        if (cache.isVerified(key, user, hash)) {
            return true;
        }
        if (hash == null) {
            verifier.matches(snapshot.dummy, password); // an unknown user costs what a known one does
            return false;
        }
        if (verifier.matches(hash, password)) {
            cache.put(key, user, hash);
            return true;
        }
        return false;
    }

    VerificationCache cache() {
        return cache;
    }

    private static long ceilSeconds(long nanos) {
        return (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
    }

    /** Settings with the defaults documented in docs/auth.md. */
    public static final class Builder {
        private final Path htpasswdFile;
        private Duration cacheTtl = Duration.ofMinutes(10);
        private int cacheMaxEntries = 10_000;
        private int maxFailures = 10;
        private Duration failureWindow = Duration.ofMinutes(5);
        private Duration blockDuration = Duration.ofMinutes(5);
        private int limiterMaxKeys = 10_000;
        private Duration reloadInterval = HtpasswdFile.DEFAULT_RELOAD_INTERVAL;
        private StoredUsers storedUsers;
        private ApiTokens tokens;
        private java.util.function.Consumer<UsersChange> onUsersChanged = change -> { };
        private LongSupplier ticker = System::nanoTime;
        private HashVerifier verifier = PasswordHash::matches;

        private Builder(Path htpasswdFile) {
            this.htpasswdFile = Objects.requireNonNull(htpasswdFile);
        }

        /** How long a successful verification is remembered (default 10 minutes; zero disables the cache). */
        public Builder cacheTtl(Duration ttl) {
            this.cacheTtl = requireNonNegative(ttl);
            return this;
        }

        /** How many verifications are remembered at most (default 10,000). */
        public Builder cacheMaxEntries(int max) {
            this.cacheMaxEntries = max;
            return this;
        }

        /** Failures in one window after which an address or a user is blocked (default 10). */
        public Builder maxFailures(int max) {
            this.maxFailures = max;
            return this;
        }

        /** The window failures are counted in (default 5 minutes). */
        public Builder failureWindow(Duration window) {
            this.failureWindow = requireNonNegative(window);
            return this;
        }

        /** How long a blocked address or user waits (default 5 minutes). */
        public Builder blockDuration(Duration duration) {
            this.blockDuration = requireNonNegative(duration);
            return this;
        }

        /** How many addresses and how many users the limiter tracks at most, each (default 10,000). */
        public Builder limiterMaxKeys(int max) {
            this.limiterMaxKeys = max;
            return this;
        }

        /** How often, at most, the htpasswd file is checked for changes (default 1 second). */
        public Builder reloadInterval(Duration interval) {
            this.reloadInterval = requireNonNegative(interval);
            return this;
        }

        Builder ticker(LongSupplier nanoTicker) {
            this.ticker = nanoTicker;
            return this;
        }

        /** Users consulted for names the htpasswd file does not hold; the file may then be absent. */
        public Builder storedUsers(StoredUsers users) {
            this.storedUsers = users;
            return this;
        }

        /** Accepts these API tokens (as a Bearer header or as the password of {@code __token__}). */
        public Builder tokens(ApiTokens tokens) {
            this.tokens = tokens;
            return this;
        }

        /** Told which users a reload of the htpasswd file added, changed or removed (e.g. for an audit log). */
        public Builder onUsersChanged(java.util.function.Consumer<UsersChange> listener) {
            this.onUsersChanged = Objects.requireNonNull(listener);
            return this;
        }

        Builder verifier(HashVerifier verifier) {
            this.verifier = verifier;
            return this;
        }

        /** Reads the htpasswd file and builds; fails if the file cannot be read. */
        public Authenticator build() throws IOException {
            return new Authenticator(this);
        }

        private static Duration requireNonNegative(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative duration: " + d);
            }
            return d;
        }
    }
}
