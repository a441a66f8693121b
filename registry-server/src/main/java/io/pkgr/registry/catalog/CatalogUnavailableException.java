package io.pkgr.registry.catalog;

import java.io.IOException;

/**
 * The catalog of record cannot be reached (the database is down or unreachable): nothing was
 * changed. Reads from the in-memory catalog go on; writes answer 503 until it is back.
 */
public final class CatalogUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public CatalogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
