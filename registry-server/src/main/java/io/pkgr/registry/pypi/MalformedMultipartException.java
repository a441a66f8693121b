package io.pkgr.registry.pypi;

/** The upload body is not well-formed multipart/form-data. */
final class MalformedMultipartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedMultipartException(String message) {
        super(message, null, false, false);
    }
}
