package io.pkgr.registry.access;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/** Who made a request: a user name, or nobody (anonymous). */
public record Principal(String user) {

    public static final Principal ANONYMOUS = new Principal(null);
    static final AttachmentKey<Principal> KEY = AttachmentKey.create(Principal.class);

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
        return anonymous() ? "-" : user;
    }
}
