package io.pkgr.registry.access;

import java.time.Duration;

/** What checking an Authorization header found. */
public sealed interface AuthOutcome {

    /** No credentials were sent. */
    record Anonymous() implements AuthOutcome {
    }

    /** The credentials are valid for {@code user}. */
    record Authenticated(String user) implements AuthOutcome {
    }

    /** Unknown user or wrong password. */
    record BadCredentials() implements AuthOutcome {
    }

    /** The header is not valid Basic credentials. */
    record Malformed() implements AuthOutcome {
    }

    /** Too many failures from this client or for this user. */
    record RateLimited(Duration retryAfter) implements AuthOutcome {
    }
}
