package io.pkgr.registry.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.UUID;

/** The one place where a failure becomes a response: {@code {"error":{"code":..,"message":..}}}. */
public final class ErrorResponder {

    private static final System.Logger LOG = System.getLogger(ErrorResponder.class.getName());
    static final String REALM = "Basic realm=\"pkgr\", charset=\"UTF-8\"";

    private ErrorResponder() {
    }

    /** Answers with the error of {@code failure}; unexpected failures are logged and answered 500. */
    public static void send(HttpServerExchange exchange, Throwable failure) {
        if (failure instanceof ClientGoneException) {
            LOG.log(Level.DEBUG, "{0} {1}: {2}", exchange.getRequestMethod(), exchange.getRequestPath(), failure.getMessage());
            org.xnio.IoUtils.safeClose(exchange.getConnection());
            return;
        }
        ApiException error = failure instanceof ApiException api ? api : internal(exchange, failure);
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
        Json.send(exchange, error.code().status(),
                Map.of("error", Map.of("code", error.code().name(), "message", error.getMessage())));
    }

    private static ApiException internal(HttpServerExchange exchange, Throwable failure) {
        String ref = UUID.randomUUID().toString().substring(0, 8);
        LOG.log(Level.ERROR, "request " + exchange.getRequestMethod() + " " + exchange.getRequestPath()
                + " failed (ref " + ref + ")", failure);
        return new ApiException(ErrorCode.INTERNAL, ref);
    }
}
