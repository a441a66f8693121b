package io.pkgr.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.api.ErrorCode;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;

/** The optional body of a yank, on either face: {@code {"reason": "..."}}, at most 16 KiB. */
public final class YankRequest {

    private static final int MAX_BODY = 16 * 1024;

    private YankRequest() {
    }

    /** The reason given, or null when the body is empty or names none. */
    public static String reason(HttpServerExchange exchange) throws IOException {
        byte[] body = exchange.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "yank body larger than " + MAX_BODY + " bytes");
        }
        if (body.length == 0) {
            return null;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "yank body is not JSON: expected {\"reason\": \"...\"}");
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "yank body must be a JSON object: {\"reason\": \"...\"}");
        }
        JsonNode reason = node.get("reason");
        if (reason != null && !reason.isNull() && !reason.isTextual()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "yank reason must be a string");
        }
        return reason == null || reason.isNull() ? null : reason.asText();
    }
}
