package io.pkgr.auth;

/**
 * The outcome of {@link Authenticator#authenticate}: who is calling, or why nobody is.
 *
 * <p>{@code user} is set only for {@link Status#OK}; {@code retryAfterSeconds} only for
 * {@link Status#RATE_LIMITED}. Pass {@link #user()} straight to
 * {@link AccessRules#allows}: it is null for everyone but an authenticated user.
 */
public record AuthResult(Status status, String user, long retryAfterSeconds) {

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
        RATE_LIMITED
    }

    private static final AuthResult ANONYMOUS = new AuthResult(Status.ANONYMOUS, null, 0);
    private static final AuthResult BAD_CREDENTIALS = new AuthResult(Status.BAD_CREDENTIALS, null, 0);
    private static final AuthResult MALFORMED = new AuthResult(Status.MALFORMED, null, 0);

    /** Validates that each status carries exactly the fields it should. */
    public AuthResult {
        if ((status == Status.OK) != (user != null)) {
            throw new IllegalArgumentException("a user goes with OK and only with OK");
        }
        if ((status == Status.RATE_LIMITED) != (retryAfterSeconds > 0)) {
            throw new IllegalArgumentException("retryAfterSeconds > 0 goes with RATE_LIMITED only");
        }
    }

    /** No credentials were sent. */
    public static AuthResult anonymous() {
        return ANONYMOUS;
    }

    /** Credentials verified for {@code user}. */
    public static AuthResult ok(String user) {
        return new AuthResult(Status.OK, user, 0);
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
        return new AuthResult(Status.RATE_LIMITED, null, Math.max(1, retryAfterSeconds));
    }

    /** Whether the caller is an authenticated user. */
    public boolean isAuthenticated() {
        return status == Status.OK;
    }
}
