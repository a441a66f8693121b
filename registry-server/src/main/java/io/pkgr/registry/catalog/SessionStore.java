package io.pkgr.registry.catalog;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Where the web UI's sessions live: in the process for a single registry, in the catalog database
 * when replicas share one, so that a browser logged in through one replica is logged in on all of
 * them (a load balancer need not be sticky). Sessions are keyed by the SHA-256 of the cookie's
 * token, never the token itself.
 */
public interface SessionStore {

    /** Sessions kept per user at most: a new one beyond that ends the one that expires soonest. */
    int MAX_PER_USER = 100;

    /**
     * One session: who logged in, the digest of their password entry at that moment (the session
     * ends when it changes), the CSRF token of its forms, and when it ends.
     */
    record Session(String user, String credential, String csrf, Instant expires) {
    }

    /** Stores a new session; drops expired ones, and the user's oldest beyond {@link #MAX_PER_USER}. */
    void put(String tokenSha256, Session session) throws IOException;

    /** The session stored under this key, expired or not. */
    Optional<Session> find(String tokenSha256) throws IOException;

    void remove(String tokenSha256) throws IOException;

    /**
     * The secret kept under {@code name}, the same for every process that shares this store: the
     * first caller's {@code candidate} wins and every later caller gets it.
     */
    byte[] secret(String name, byte[] candidate) throws IOException;
}
