package io.pkgr.cli.registry;

import io.pkgr.api.ErrorCode;
import io.pkgr.cli.ExitCode;

/**
 * The one table from the registry's error codes to the exit codes scripts rely on (docs/cli.md).
 * The switch names every code and has no default, so a code added to {@link ErrorCode} does not
 * compile until it is given an exit code here.
 */
public final class RegistryExitCodes {

    private RegistryExitCodes() {
    }

    /** The exit code for the server's {@code code}. */
    public static int of(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST, UPLOAD_INVALID, INVALID_NAME, INVALID_VERSION, DIGEST_INVALID, DIGEST_MISMATCH,
                    UPLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, BUNDLE_INVALID, MANIFEST_MISMATCH, MAVEN_PATH_INVALID,
                    CHECKSUM_MISMATCH -> ExitCode.USAGE;
            case UNAUTHORIZED, BAD_CREDENTIALS, MALFORMED_CREDENTIALS, DENIED, TOO_MANY_ATTEMPTS, TOKEN_INVALID,
                    TOKEN_EXPIRED, TOKEN_DENIED, TOKEN_SCOPE_EXCEEDED, TOKEN_MANAGEMENT_DENIED -> ExitCode.AUTH;
            case TOKEN_UNKNOWN -> ExitCode.NOT_FOUND;
            case TOKEN_EXISTS -> ExitCode.CONFLICT;
            case NOT_FOUND, NAME_UNKNOWN, VERSION_UNKNOWN, PROJECT_UNKNOWN, FILE_UNKNOWN, BLOB_UNKNOWN,
                    LAYERS_UNKNOWN, MAVEN_FILE_UNKNOWN -> ExitCode.NOT_FOUND;
            case BLOBS_MISSING, ASSEMBLY_MISMATCH -> ExitCode.REGISTRY;
            case BLOB_CORRUPT, SIGNATURE_INVALID -> ExitCode.INTEGRITY;
            case VERSION_EXISTS, VERSION_PRECEDENCE_EXISTS, FILE_EXISTS, MAVEN_RELEASE_EXISTS -> ExitCode.CONFLICT;
            case METHOD_NOT_ALLOWED, BODY_TOO_SLOW, RANGE_NOT_SATISFIABLE, INSUFFICIENT_STORAGE, UPLOADS_BUSY,
                    UNAVAILABLE, CATALOG_UNAVAILABLE, INTERNAL -> ExitCode.REGISTRY;
        };
    }

    /**
     * The exit code for an answer that is not a pkgr error (a proxy's HTML 502, a code newer than
     * this client): judged by the HTTP status alone.
     */
    public static int ofStatus(int status) {
        return switch (status) {
            case 401, 403, 429 -> ExitCode.AUTH;
            case 404 -> ExitCode.NOT_FOUND;
            case 409 -> ExitCode.CONFLICT;
            case 400, 413, 415, 422 -> ExitCode.USAGE;
            default -> ExitCode.REGISTRY;
        };
    }
}
