package io.pkgr.registry.http;

import io.pkgr.api.ErrorBody;
import io.pkgr.api.ErrorCode;
import io.pkgr.registry.catalog.CatalogUnavailableException;
import io.pkgr.registry.storage.StorageFullException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The one place where a failure becomes a response: {@code {"error":{"code":..,"message":..}}}. */
public final class ErrorResponder {

    private static final System.Logger LOG = System.getLogger(ErrorResponder.class.getName());
    static final String REALM = "Basic realm=\"pkgr\", charset=\"UTF-8\"";
    /** The error code a request was answered with (read by the audit log). */
    public static final io.undertow.util.AttachmentKey<ErrorCode> ERROR_CODE =
            io.undertow.util.AttachmentKey.create(ErrorCode.class);

    private ErrorResponder() {
    }

    /** Answers with the error of {@code failure}; unexpected failures are logged and answered 500. */
    public static void send(HttpServerExchange exchange, Throwable failure) {
        send(exchange, failure, false);
    }

    /**
     * Like {@link #send(HttpServerExchange, Throwable)}; with {@code messageAsReason} the message is
     * also the HTTP reason phrase, which is all twine and poetry print of a failed upload.
     */
    public static void send(HttpServerExchange exchange, Throwable failure, boolean messageAsReason) {
        Optional<ApiException> tooSlow = ExchangeGuard.cutOff(exchange);
        if (tooSlow.isPresent()) {
            // whatever the route made of the failed read, the cause is the client's slow body
            failure = tooSlow.get();
        } else if (failure instanceof ClientGoneException) {
            LOG.log(Level.DEBUG, "{0} {1}: {2}", exchange.getRequestMethod(), exchange.getRequestPath(), failure.getMessage());
            ExchangeGuard.clientGone(exchange);
            org.xnio.IoUtils.safeClose(exchange.getConnection());
            return;
        }
        ApiException error = failure instanceof ApiException api ? api
                : failure instanceof StorageFullException full ? storageFull(exchange, full)
                : failure instanceof CatalogUnavailableException down ? catalogDown(exchange, down)
                : internal(exchange, failure);
        exchange.putAttachment(ERROR_CODE, error.code());
        if (exchange.isResponseStarted()) {
            // too late for an error body: cut the connection so the client sees a failure, not a short file
            LOG.log(Level.DEBUG, "response already started, closing: {0}", error.getMessage());
            org.xnio.IoUtils.safeClose(exchange.getConnection());
            return;
        }
        exchange.getResponseHeaders().clear();
        if (error.code().status() == 401) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, REALM);
        }
        for (Map.Entry<String, String> header : error.headers().entrySet()) {
            exchange.getResponseHeaders().put(HttpString.tryFromString(header.getKey()), header.getValue());
        }
        byte[] body = Json.bytes(ErrorBody.of(error.code(), error.getMessage()));
        exchange.setStatusCode(error.code().status());
        if (messageAsReason) {
            exchange.setReasonPhrase(reasonPhrase(error.getMessage()));
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, Json.CONTENT_TYPE);
        exchange.setResponseContentLength(body.length);
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(body));
    }

    /** Printable ASCII only, one line, bounded: a reason phrase must not break the status line. */
    private static String reasonPhrase(String message) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < message.length() && out.length() < 300; i++) {
            char c = message.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    /** An operations problem, not a bug: one line for the operator, no stack trace. */
    private static ApiException storageFull(HttpServerExchange exchange, StorageFullException full) {
        LOG.log(Level.WARNING, "{0} {1} refused: {2}", exchange.getRequestMethod(), exchange.getRequestPath(),
                full.getMessage());
        return new ApiException(ErrorCode.INSUFFICIENT_STORAGE);
    }

    /** The database is unreachable: one line for the operator; the client may retry. */
    private static ApiException catalogDown(HttpServerExchange exchange, CatalogUnavailableException down) {
        LOG.log(Level.WARNING, "{0} {1} refused: {2}", exchange.getRequestMethod(), exchange.getRequestPath(),
                down.getMessage());
        return new ApiException(ErrorCode.CATALOG_UNAVAILABLE, Map.of("Retry-After", "5"));
    }

    private static ApiException internal(HttpServerExchange exchange, Throwable failure) {
        String ref = UUID.randomUUID().toString().substring(0, 8);
        LOG.log(Level.ERROR, "request " + exchange.getRequestMethod() + " " + exchange.getRequestPath()
                + " failed (ref " + ref + ")", failure);
        return new ApiException(ErrorCode.INTERNAL, ref);
    }
}
