package io.pkgr.auth;

/**
 * The outcome of {@link Authenticator#authenticate}: who is calling, or why nobody is.
 *
 * <p>{@code user} is set only for {@link Status#OK}; {@code retryAfterSeconds} only for
 * {@link Status#RATE_LIMITED}. Pass {@link #user()} straight to
 * {@link AccessRules#allows}: it is null for everyone but an authenticated user.
 */
public record AuthResult(Status status, String user, long retryAfterSeconds, ApiToken token) {

    /** What the server should do: carry on, or answer 401/429. */
    public enum Status {
        /** No Authorization header: continue as anonymous (rules decide). */
        ANONYMOUS,
        /** Valid Basic credentials of {@link #user()}. */
        OK,
        /** Unknown user or wrong password: 401 with {@code WWW-Authenticate: Basic}. */
        BAD_CREDENTIALS,
        /** Not a readable Basic header: 401 with {@code WWW-Authenticate: Basic}, so the client asks again. */
        MALFORMED,
        /** Too many failures from this address or for this user: 429 with {@code Retry-After}. */
        RATE_LIMITED,
        /** An API token that is unknown, revoked, or whose owner is gone: 401. */
        TOKEN_INVALID,
        /** An API token past its expiry ({@link #token()} says which): 401. */
        TOKEN_EXPIRED
    }

    private static final AuthResult ANONYMOUS = new AuthResult(Status.ANONYMOUS, null, 0, null);
    private static final AuthResult BAD_CREDENTIALS = new AuthResult(Status.BAD_CREDENTIALS, null, 0, null);
    private static final AuthResult MALFORMED = new AuthResult(Status.MALFORMED, null, 0, null);
    private static final AuthResult TOKEN_INVALID = new AuthResult(Status.TOKEN_INVALID, null, 0, null);

    /** Validates that each status carries exactly the fields it should. */
    public AuthResult {
        if ((status == Status.OK) != (user != null)) {
            throw new IllegalArgumentException("a user goes with OK and only with OK");
        }
        if ((status == Status.RATE_LIMITED) != (retryAfterSeconds > 0)) {
            throw new IllegalArgumentException("retryAfterSeconds > 0 goes with RATE_LIMITED only");
        }
        if (token != null && status != Status.OK && status != Status.TOKEN_EXPIRED
                || status == Status.TOKEN_EXPIRED && token == null) {
            throw new IllegalArgumentException("a token goes with OK or TOKEN_EXPIRED only");
        }
    }

    /** Three-field form for results without a token. */
    public AuthResult(Status status, String user, long retryAfterSeconds) {
        this(status, user, retryAfterSeconds, null);
    }

    /** No credentials were sent. */
    public static AuthResult anonymous() {
        return ANONYMOUS;
    }

    /** Credentials verified for {@code user}. */
    public static AuthResult ok(String user) {
        return new AuthResult(Status.OK, user, 0, null);
    }

    /** A valid API token of {@code token.user()}: the caller is that user, narrowed to the token's scopes. */
    public static AuthResult ok(ApiToken token) {
        return new AuthResult(Status.OK, token.user(), 0, token);
    }

    /** An unknown or revoked token, or one whose owner is gone. */
    public static AuthResult tokenInvalid() {
        return TOKEN_INVALID;
    }

    /** A token past its expiry. */
    public static AuthResult tokenExpired(ApiToken token) {
        return new AuthResult(Status.TOKEN_EXPIRED, null, 0, token);
    }

    /** Unknown user or wrong password. */
    public static AuthResult badCredentials() {
        return BAD_CREDENTIALS;
    }

    /** The header could not be read as Basic credentials. */
    public static AuthResult malformed() {
        return MALFORMED;
    }

    /** Blocked for {@code retryAfterSeconds} (at least 1). */
    public static AuthResult rateLimited(long retryAfterSeconds) {
        return new AuthResult(Status.RATE_LIMITED, null, Math.max(1, retryAfterSeconds), null);
    }

    /** Whether the caller is an authenticated user. */
    public boolean isAuthenticated() {
        return status == Status.OK;
    }
}
