package io.pkgr.registry.audit;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * What a route tells the audit log about the change it makes: the action and its target as soon
 * as they are known (before the permission check, so a refusal names them too), the digest once
 * it is known. Routes of requests that change nothing say nothing, and only their refusals are
 * logged.
 */
public final class Audit {

    static final AttachmentKey<Audit> KEY = AttachmentKey.create(Audit.class);

    String action;
    String name;
    String version;
    String sha256;
    String detail;

    Audit() {
    }

    /** Names the change this request makes. */
    public static void action(HttpServerExchange exchange, String action, String name, String version) {
        Audit audit = exchange.getAttachment(KEY);
        if (audit != null) {
            audit.action = action;
            audit.name = name;
            audit.version = version;
        }
    }

    /** The digest of what the change concerns. */
    public static void sha256(HttpServerExchange exchange, String sha256) {
        Audit audit = exchange.getAttachment(KEY);
        if (audit != null) {
            audit.sha256 = sha256;
        }
    }

    /** A short note beside the change ({@code unchanged}, a token's scopes). */
    public static void detail(HttpServerExchange exchange, String detail) {
        Audit audit = exchange.getAttachment(KEY);
        if (audit != null) {
            audit.detail = detail;
        }
    }
}
