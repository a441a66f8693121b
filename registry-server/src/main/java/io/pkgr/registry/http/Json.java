package io.pkgr.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.api.ApiJson;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;

/** The way JSON goes out: the protocol's one codec ({@link ApiJson}), sent with its content type. */
public final class Json {

    public static final ObjectMapper MAPPER = ApiJson.MAPPER;
    public static final String CONTENT_TYPE = ApiJson.CONTENT_TYPE;

    private Json() {
    }

    public static byte[] bytes(Object value) {
        return ApiJson.bytes(value);
    }

    /** Sends {@code body} as the JSON response with {@code status}. */
    public static void send(HttpServerExchange exchange, int status, byte[] body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, CONTENT_TYPE);
        exchange.setResponseContentLength(body.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    public static void send(HttpServerExchange exchange, int status, Object value) {
        send(exchange, status, bytes(value));
    }
}
