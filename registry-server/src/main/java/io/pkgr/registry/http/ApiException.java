package io.pkgr.registry.http;

import io.pkgr.api.ErrorCode;
import java.util.Map;

/** An error answer on its way to the client; thrown anywhere in a handler, sent by {@link ErrorResponder}. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Map<String, String> headers;

    public ApiException(ErrorCode code, Object... args) {
        this(code, Map.of(), args);
    }

    public ApiException(ErrorCode code, Map<String, String> headers, Object... args) {
        super(code.format(args), null, false, false);
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public ErrorCode code() {
        return code;
    }

    /** Extra response headers, e.g. {@code Retry-After}. */
    public Map<String, String> headers() {
        return headers;
    }
}
