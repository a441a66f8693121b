package io.pkgr.registry.access;

import io.pkgr.auth.ApiToken;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * Who made a request: a user name, or nobody (anonymous). {@code token} is the API token the
 * user's request came with, null for a password login: such a request may do only what the user
 * may and one of the token's scopes allows.
 */
public record Principal(String user, ApiToken token) {

    public static final Principal ANONYMOUS = new Principal(null, null);
    static final AttachmentKey<Principal> KEY = AttachmentKey.create(Principal.class);

    /** A user who logged in with their password. */
    public Principal(String user) {
        this(user, null);
    }

    public boolean anonymous() {
        return user == null;
    }

    /** The principal the authentication handler attached, anonymous if none. */
    public static Principal of(HttpServerExchange exchange) {
        Principal principal = exchange.getAttachment(KEY);
        return principal == null ? ANONYMOUS : principal;
    }

    @Override
    public String toString() {
        return anonymous() ? "-" : token == null ? user : user + " (token " + token.name() + ")";
    }
}
