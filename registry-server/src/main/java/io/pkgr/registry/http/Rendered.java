package io.pkgr.registry.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A body rendered once per change (JSON or a simple-API page), with its strong ETag. */
public record Rendered(byte[] body, String etag) {

    /** {@code body} with an ETag from its digest; {@code flavour} (may be empty) tells representations apart. */
    public static Rendered of(byte[] body, String flavour) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            String prefix = flavour.isEmpty() ? "" : flavour + "-";
            return new Rendered(body, "\"" + prefix + HexFormat.of().formatHex(digest, 0, 16) + "\"");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends the body with its ETag, or 304 when the client's {@code If-None-Match} names it. Callers
     * set caching headers ({@code Cache-Control}, {@code Vary}) first.
     */
    public void send(HttpServerExchange exchange, String contentType) {
        exchange.getResponseHeaders().put(Headers.ETAG, etag);
        if (Conditional.notModified(exchange, etag)) {
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.setResponseContentLength(body.length);
        if (exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.endExchange();
            return;
        }
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
}
