package io.pkgr.bundle;

/** A bundle, manifest, name, version or lock file that cannot be accepted; the message says why. */
public class BundleException extends RuntimeException {

    /** What went wrong, stable enough for callers to map onto HTTP statuses and exit codes. */
    public enum Code {
        INVALID_NAME,
        INVALID_VERSION,
        INVALID_SPEC,
        INVALID_MANIFEST,
        INVALID_LOCKFILE,
        INVALID_PARAM,
        UNSAFE_PATH,
        UNSAFE_LINK,
        UNSUPPORTED_ENTRY,
        DUPLICATE_ENTRY,
        TOO_MANY_ENTRIES,
        TOO_LARGE,
        SUSPICIOUS_COMPRESSION,
        CORRUPT_ARCHIVE,
        MISSING_MANIFEST,
        MISSING_FILE,
        UNLISTED_FILE,
        DIGEST_MISMATCH,
        SOURCE_CHANGED,
        IO
    }

    private final Code code;

    public BundleException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public BundleException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
