package io.pkgr.registry.http;

import io.pkgr.api.ErrorCode;
import io.pkgr.registry.storage.ByteRange;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Map;

/** Conditional and partial GETs: {@code If-None-Match}, {@code Range}, {@code If-Range}. */
public final class Conditional {

    private Conditional() {
    }

    /** True when the client's {@code If-None-Match} already names {@code etag} (weak comparison). */
    public static boolean notModified(HttpServerExchange exchange, String etag) {
        io.undertow.util.HeaderValues values = exchange.getRequestHeaders().get(Headers.IF_NONE_MATCH);
        if (values == null) {
            return false;
        }
        for (String header : values) {
            for (String candidate : header.split(",")) {
                String tag = candidate.trim();
                if (tag.equals("*") || opaque(tag).equals(opaque(etag))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /**
     * The single byte range the client asked for, or null for the whole body (no header, a
     * multi-range or unparseable header, or an {@code If-Range} that no longer matches).
     *
     * @throws ApiException 416 when the range lies outside the body
     */
    public static ByteRange range(HttpServerExchange exchange, long size, String etag) {
        String header = exchange.getRequestHeaders().getFirst(Headers.RANGE);
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String ifRange = exchange.getRequestHeaders().getFirst(Headers.IF_RANGE);
        if (ifRange != null && !ifRange.equals(etag)) {
            return null;
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String from = spec.substring(0, dash).trim();
            String to = spec.substring(dash + 1).trim();
            long first;
            long last;
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                if (suffix <= 0) {
                    throw unsatisfiable(header, size);
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(from);
                last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
            }
            if (first < 0 || first >= size || last < first) {
                throw unsatisfiable(header, size);
            }
            return new ByteRange(first, last);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ApiException unsatisfiable(String header, long size) {
        return new ApiException(ErrorCode.RANGE_NOT_SATISFIABLE, Map.of("Content-Range", "bytes */" + size), header, size);
    }
}
